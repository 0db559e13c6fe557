/**
 * wgno: a WebGPU-native runtime for neural operators. Public API.
 */
export {
  init,
  Runtime,
  type InitOptions,
  type RuntimeStats,
  type CompileOptions,
} from './runtime/runtime';
export { Tensor } from './graph/tensor';
export { Step } from './graph/executor';
export type { Plan, Update } from './graph/planner';
export type { DType, FloatDType, Shape, TensorSpec } from './graph/shape';
export { indexTensor, indexTensorFromBuffer } from './graph/index_tensor';
export { WgnoError, DeviceLostError } from './errors';
export { version } from './version';
export { backward, grad, type GradOptions } from './graph/autodiff';
export { fill } from './ops/fill';
export {
  neg,
  exp,
  log,
  sqrt,
  square,
  sin,
  cos,
  sigmoid,
  gelu,
  tanh,
  relu,
  reciprocal,
  step,
  geluGrad,
  affine,
  addScalar,
  mulScalar,
  powScalar,
} from './ops/unary';
export { add, sub, mul, div, pow } from './ops/binary';
export { Adam, AdamW, SGD, StepLR, type AdamOptions, type SgdOptions } from './train/optim';
export { Optimizer, type ParamList, type ParamGroup, type Params } from './train/optim_base';
export { evaluateReference } from './graph/reference';
export { Rng } from './random';
export { philoxNormal, philoxUniform, RandomSeed, type RandomOptions } from './ops/random';
export { philoxNormals, philoxUniforms, philox4x32 } from './random_philox';
export { argsort, centredRanks } from './ops/topk';
export {
  PopulationFNN,
  fnnLayout,
  type ParamSlot,
  type PopulationFNNConfig,
  type EvolvablePopulation,
} from './nn/population';
export { PopulationDeepONet, type PopulationDeepONetConfig } from './nn/population_deeponet';
export { PopulationChannelMLP, PopulationSpectralConv } from './nn/population_layers';
export { populationChannelLinear } from './ops/population_channel_linear';
export { PopulationFNO } from './models/fno_population';
export { GeneticAlgorithm, type GAOptions, type Generation } from './train/evolution/ga';
export { OpenAIES, type ESOptions, type ESGeneration } from './train/evolution/es';
export {
  cartpoleReturns,
  cartpoleStart,
  cartpoleStep,
  type CartpoleOptions,
} from './train/evolution/cartpole';
export { rebuildGenome, genomeWeights } from './train/evolution/genome';
export { sum, mean, l2Norm } from './ops/reduce';
export { layerNorm, rmsNorm, type NormOptions } from './ops/norm';
export { segmentMax, segmentSoftmax } from './ops/segment_softmax';
export { symEig } from './ops/sym_eig';
export { swiglu, silu } from './ops/swiglu';
export { patchify, unpatchify } from './ops/patchify';
export { matmul } from './ops/matmul';
export { attention, type AttentionOptions } from './ops/attention';
export {
  conv2d,
  convTranspose2d,
  type Conv2dOptions,
  type ConvTranspose2dOptions,
} from './ops/conv';
export type { PadMode } from './ops/conv_reference';
export { channelLinear } from './ops/channel_linear';
export { reshape, permute, broadcastTo, transpose, sumTo } from './ops/layout';
export { pad, slice, crop } from './ops/pad';
export { concat } from './ops/concat';
export { flatten, unsqueeze, squeeze } from './ops/layout';
export * from './io/index';
export { fft, ifft, rfft, irfft } from './ops/fft';
export { complex, real, imag, conj, cmul } from './ops/complex';
export { spectralMul, spectralWgrad } from './ops/spectral';
export {
  lpLoss,
  h1Loss,
  mseLoss,
  centralDiff,
  type LossLayout,
  type LossOptions,
} from './train/losses';
export { Module } from './nn/module';
export { ChannelMLP } from './nn/channel_mlp';
export { FNN, activate, type FNNConfig, type Activation, type Initializer } from './nn/fnn';
export { MultiHeadAttention, type MultiHeadAttentionConfig } from './nn/attention';
export {
  SpectralConv,
  TuckerSpectralConv,
  type SpectralConvOptions,
  type SpectralWeight,
  type DenseSpectralWeight,
  type ComplexParam,
} from './nn/spectral_conv';
export { tuckerRank, type TuckerSpectralWeight } from './nn/tucker_weight';
export { cmatmul, modeProduct } from './ops/complex_matmul';
export {
  GridEmbedding,
  gridCoordinates,
  SinusoidalEmbedding,
  type SinusoidalEmbeddingConfig,
} from './nn/embedding';
export {
  GNOBlock,
  type GNOBlockConfig,
  type GNOBlockInputs,
  type Coordinates,
} from './nn/gno_block';
export { GINO, type GINOConfig, type GINOInputs, type GINOSettings } from './models/gino';
export { GNO, type GNOConfig } from './models/gno';
export {
  DeepONet,
  DeepONetCartesianProd,
  type DeepONetConfig,
  type MultiOutputStrategy,
} from './models/deeponet';
export {
  diffusionReactionLoss,
  deepONetField,
  type DiffusionReactionLossInputs,
  type DiffusionReactionLoss,
} from './models/deeponet_pinn';
export {
  buildCsr,
  neighborhoods,
  Neighborhoods,
  uploadSegments,
  type HostSegments,
  type HostNeighborhoods,
} from './geometry/relations';
export type { Segments } from './ops/segments';
export { radiusNeighbors, knnNeighbors } from './geometry/neighbors';
export { NeighborCsr, transposeCsr, csrRowIds } from './geometry/csr';
export { csrToNeighborhoods, radiusNeighborhoods } from './geometry/neighborhoods';
export { radiusNeighborsBrute } from './geometry/brute_gpu';
export {
  bruteForceNeighbors,
  bruteForceKnn,
  transposeCsrReference,
  validateCsr,
  dist2F32,
  type CsrArrays,
} from './geometry/reference';
export type { Points } from './geometry/points';
export { gatherRows } from './ops/gather_rows';
export { segmentSum, segmentMean } from './ops/segment_sum';
export {
  IntegralTransform,
  LinearChannelMLP,
  type IntegralTransformConfig,
  type IntegralTransformInputs,
  type TransformType,
} from './nn/integral_transform';
export {
  MAGNOEncoder,
  MAGNODecoder,
  geometryFeatures,
  type MAGNOEncoderConfig,
  type MAGNOEncoderInputs,
  type MAGNODecoderConfig,
  type MAGNODecoderInputs,
} from './nn/magno';
export { FNO, FNOBlocks, type FNOConfig, type FNOBlocksConfig } from './models/fno';
export { SpaceTimeFNO, type SpaceTimeFNOConfig } from './models/spacetime_fno';
export { OutConv, type OutConvOptions } from './models/spacetime_fno_layers';
export { SpaceTimeSpectralConv, type SpaceTimeSpectralConvOptions } from './nn/spectral_conv_st';
export { TFNO, type TFNOConfig } from './models/tfno';
export { MgNO, type MgNOConfig, type MgNOVariant, type MgPaddingMode } from './models/mgno';
export {
  GAOT,
  GAOTGeometry,
  type GAOTConfig,
  type GAOTInputs,
  type GAOTMagnoConfig,
  type GAOTSettings,
  type GAOTTransformerConfig,
} from './models/gaot';
export { MgConv, type MgConvOptions } from './nn/mgconv';
export {
  Trainer,
  NonFiniteLossError,
  type TrainableModel,
  type TrainerOptions,
  type EvaluationOptions,
  type RolloutConfig,
  type Progress,
  type EvalResult,
} from './train/trainer';
export {
  writeCheckpointFile,
  readCheckpointFile,
  type Checkpoint,
  type TrainerState,
} from './train/checkpoint';
export type { HostArray } from './train/data';
export { NavierStokes2d, paperForcing, type NavierStokesOptions } from './pde/navier_stokes';
export {
  nsResidual,
  nsResidualNorm,
  hMinus1Norm,
  spectralTimeDerivative,
  type NsResidualOptions,
} from './pde/ns_residual';
export { refine, type RefineOptions, type Refined } from './train/refine';
export {
  generateNavierStokes,
  writeNsDataset,
  nsRolloutPairs,
  type NsDataset,
  type NsDatasetOptions,
} from './pde/dataset';
export { sampleGrf2d, grfFromNormals, type GrfOptions } from './pde/grf';
export { burgersColeHopf, sampleGrf1d, type BurgersOptions } from './pde/burgers';
export { DarcySolver, type DarcySolverOptions, type DarcySolution } from './pde/darcy';
export { solveDarcyReference, type FaceMean } from './pde/darcy_reference';
export {
  generateDarcy,
  writeDarcyDataset,
  thresholdCoefficient,
  type DarcyDataset,
  type DarcyDatasetOptions,
} from './pde/darcy_dataset';
export { sampleGrfNeumann, type NeumannGrfOptions } from './pde/grf_neumann';
export { Grf1d, type Grf1dOptions } from './pde/grf1d';
export {
  antiderivativeData,
  type AntiderivativeOptions,
  type AntiderivativeData,
} from './pde/antiderivative';
export { uniformPoints, latinHypercube, type Box } from './pde/collocation';
export {
  uniformPointsGpu,
  latinHypercubeGpu,
  uniformPointsPhilox,
  latinHypercubePhilox,
  type CollocationGpuOptions,
} from './pde/collocation_gpu';
export { pendulumData, pendulumRk4, type PendulumOptions, type PendulumData } from './pde/pendulum';
export {
  solveDiffusionReaction,
  diffusionReactionData,
  interpolateUniform,
  DiffusionReactionSampler,
  type DiffusionReactionBatch,
  type DiffusionReactionOptions,
  type DiffusionReactionSource,
  type DiffusionReactionDataOptions,
  type DiffusionReactionData,
} from './pde/diffusion_reaction';
export { samplePointCloud, type PointCloud, type PointCloudOptions } from './pde/point_cloud';
export {
  solvePoisson,
  solveGaussianSource,
  randomSource,
  evalSource,
  sampleGrid,
  interpolateGrid,
  type GaussianBump,
  type SourceOptions,
} from './pde/poisson';
export {
  generatePoisson,
  poissonCloud,
  randomCloud,
  sampleAtPoints,
  type PoissonData,
  type PoissonDataOptions,
  type PoissonCloud,
} from './pde/poisson_dataset';
export {
  loadFNO,
  loadModel,
  type LoadedFNO,
  type LoadedModel,
  type SavedFNOConfig,
} from './models/load';
export {
  buildModel,
  parseModelConfig,
  MODEL_KINDS,
  type ModelKind,
  type KindedModel,
  type SavedModelConfig,
} from './models/registry';
export { FieldView, divergingColor, DIVERGING, type Rgb } from './viz/field_view';
export { fieldImage } from './viz/field_image';
export {
  mountNavierStokes,
  type NavierStokesDemo,
  type NavierStokesDemoOptions,
  type DemoStats,
} from './app/ns_demo';
export type { RefinerSettings } from './app/ns_refiner';
export { defineNavierStokesElement, type NavierStokesElement } from './app/ns_element';
export type { TensorOptions } from './graph/engine';
export type { KernelStyle } from './gpu/target';
export type { LoadStateDictOptions } from './nn/module';
export type { SegmentOptions } from './ops/segment_sum';
export type { Norm } from './ops/fft_plan';
export type { DarcySystemOptions } from './pde/darcy_reference';
export type { NsDealiasing } from './pde/ns_ops';
export type { Cost } from './graph/op';
export type { StepCost } from './graph/step_cost';
export type { ProfileOptions } from './gpu/program';
