import { describe, expect, it } from 'vitest';
import { WGSL_LIBRARY, assembleWgsl, codes, wgslConstants } from '../../src/gpu/wgsl';

// A made-up library: b and c both include a; d and e include each other.
const library = {
  'lib/a.wgsl': 'fn a() {}',
  'lib/b.wgsl': '// #include lib/a.wgsl\nfn b() { a(); }',
  'lib/c.wgsl': '// #include lib/a.wgsl\nfn c() { a(); }',
  'lib/d.wgsl': 'fn d() {}\n// #include lib/e.wgsl',
  'lib/e.wgsl': '// #include lib/d.wgsl\nfn e() {}',
};
const assemble = (source: string) => assembleWgsl({ file: 'kernels/k.wgsl', source, library });
const where = (source: string) => {
  const { code, origins } = assemble(source);
  return code.split('\n').map((line, i) => `${origins[i].file}:${origins[i].line} ${line}`);
};

describe('WGSL includes', () => {
  it('splices an include in place of its directive, nested includes too', () => {
    expect(where('// #include lib/b.wgsl\nfn main() {}')).toEqual([
      'kernels/k.wgsl:1 // #include lib/b.wgsl',
      'kernels/lib/b.wgsl:1 // #include lib/a.wgsl',
      'kernels/lib/a.wgsl:1 fn a() {}',
      'kernels/lib/b.wgsl:2 fn b() { a(); }',
      'kernels/k.wgsl:2 fn main() {}',
    ]);
  });

  it('includes a file once, however many files ask for it', () => {
    const { code } = assemble(
      '// #include lib/b.wgsl\n// #include lib/c.wgsl\n  //   #include lib/a.wgsl  ',
    );
    expect(code.match(/fn a\(\)/g)).toHaveLength(1);
    expect(code).toContain('fn b()');
    expect(code).toContain('fn c()');
  });

  it('maps every line of the assembled source back to its file and line, preludes first', () => {
    const { code, origins } = assembleWgsl({
      file: 'kernels/k.wgsl',
      source: 'fn main() {\n// #include lib/a.wgsl\n}',
      preludes: [{ label: 'struct P', text: 'struct P {\n  n: u32,\n}' }],
      library,
    });
    expect(code).toBe(
      'struct P {\n  n: u32,\n}\nfn main() {\n// #include lib/a.wgsl\nfn a() {}\n}',
    );
    expect(origins.map((o) => `${o.file}:${o.line}`)).toEqual([
      '(generated) struct P:1',
      '(generated) struct P:2',
      '(generated) struct P:3',
      'kernels/k.wgsl:1',
      'kernels/k.wgsl:2',
      'kernels/lib/a.wgsl:1',
      'kernels/k.wgsl:3',
    ]);
  });

  it('names the file, line and the files there are for a missing include', () => {
    expect(() => assemble('fn main() {}\n// #include lib/nope.wgsl')).toThrow(
      'wgsl: kernels/k.wgsl:2: no file kernels/lib/nope.wgsl to include; kernels/lib has a.wgsl, b.wgsl, c.wgsl, d.wgsl, e.wgsl',
    );
  });

  it('names the chain of a cycle', () => {
    expect(() => assemble('// #include lib/d.wgsl')).toThrow(
      'wgsl: kernels/lib/e.wgsl:1: include cycle kernels/lib/d.wgsl -> kernels/lib/e.wgsl -> kernels/lib/d.wgsl',
    );
  });

  it('rejects a directive it cannot read instead of leaving it a comment', () => {
    for (const bad of ['// #include "lib/a.wgsl"', '// #include a.wgsl', '// #include'])
      expect(() => assemble(bad), bad).toThrow(
        /kernels\/k.wgsl:1: malformed include .*; write \/\/ #include lib\/<name>.wgsl/,
      );
    expect(assemble('// #included is just a comment').code).toBe('// #included is just a comment');
  });

  it('loads kernels/lib, and each of its files resolves', () => {
    expect(Object.keys(WGSL_LIBRARY)).toEqual(
      expect.arrayContaining(['lib/erfc.wgsl', 'lib/gelu.wgsl', 'lib/pow_signed.wgsl']),
    );
    for (const [path, source] of Object.entries(WGSL_LIBRARY))
      expect(() => assembleWgsl({ file: `kernels/${path}`, source }), path).not.toThrow();
    // gelu.wgsl includes erfc.wgsl: phi_cdf comes with it.
    const gelu = assembleWgsl({ file: 'kernels/x.wgsl', source: '// #include lib/gelu.wgsl' });
    expect(gelu.code).toMatch(/fn phi_cdf[\s\S]*fn gelu/);
  });
});

describe('WGSL constants from TS tables', () => {
  it('names codes by prefix and prints u32 constants', () => {
    const table = codes('OP', { neg: 0, gelu_grad: 10 });
    expect(table).toEqual({ OP_NEG: 0, OP_GELU_GRAD: 10 });
    expect(codes('', { rz: 0, active: 7 })).toEqual({ RZ: 0, ACTIVE: 7 });
    expect(wgslConstants(table)).toBe('const OP_NEG: u32 = 0u;\nconst OP_GELU_GRAD: u32 = 10u;');
  });

  it('rejects what is not a u32 or not an UPPER_CASE name', () => {
    expect(() => wgslConstants({ OP_X: -1 })).toThrow(
      'wgsl: constant OP_X = -1; need an UPPER_CASE name and a u32 value',
    );
    expect(() => wgslConstants({ OP_X: 1.5 })).toThrow(/OP_X = 1.5/);
    expect(() => wgslConstants({ op_x: 1 })).toThrow(/constant op_x = 1/);
  });
});
