/**
 * The damped pendulum's RK4 reference (src/pde/pendulum.ts): fourth-order convergence to an
 * exact solution with damping, and damping that slows the swing.
 */
import { describe, expect, it } from 'vitest';
import { pendulumData, pendulumRk4 } from '../../src/pde/pendulum';
import { Rng } from '../../src/random';

describe('pendulum RK4 with damping', () => {
  it("recovers theta = t^3 of theta'' + c theta' + sin(theta) = v at fourth order", () => {
    const c = 0.7;
    const err = (n: number) => {
      const v = Array.from({ length: n }, (_, i) => {
        const t = i / (n - 1);
        return 6 * t + 3 * c * t * t + Math.sin(t ** 3);
      });
      const th = pendulumRk4(v, 1 / (n - 1), c);
      return Math.max(...th.map((x, s) => Math.abs(x - ((2 * s) / (n - 1)) ** 3)));
    };
    const [e1, e2] = [err(21), err(41)];
    expect(e2).toBeLessThan(1e-6);
    expect(Math.log2(e1 / e2)).toBeGreaterThan(3.5); // RK4: about 4
  });

  it('damping changes the solution; c = 0 is the undamped reference', () => {
    const a = pendulumData(new Rng(2), { count: 2, sensors: 11 });
    const b = pendulumData(new Rng(2), { count: 2, sensors: 11, damping: 0 });
    const c = pendulumData(new Rng(2), { count: 2, sensors: 11, damping: 2 });
    expect([...b.theta]).toEqual([...a.theta]);
    expect([...c.v]).toEqual([...a.v]);
    let diff = 0;
    for (let i = 0; i < a.theta.length; i++)
      diff = Math.max(diff, Math.abs(a.theta[i] - c.theta[i]));
    expect(diff).toBeGreaterThan(1e-3);
  });
});
