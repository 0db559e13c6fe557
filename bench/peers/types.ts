/** What bench/fno.bench.ts needs from each peer implementation. */
export interface PeerFno {
  /** One forward pass of the batch, waiting for the GPU; nothing is read back. */
  infer(): Promise<void>;
  /** Forward output of the current weights, read back: [batch, out, H, W] row-major. */
  output(): Promise<Float32Array>;
  /** One training step (forward, backward, Adam), waiting for the GPU; returns nothing. */
  train(): Promise<void>;
  /** One training step that reads its loss back (the loss before the update). */
  trainLoss(): Promise<number>;
  dispose(): void;
}

/** rfft2 + irfft2 over the last two axes of a fixed random input. */
export interface PeerFft {
  run(): Promise<void>;
  /** Output read back (should equal the input up to rounding). */
  output(): Promise<Float32Array>;
  dispose(): void;
}
