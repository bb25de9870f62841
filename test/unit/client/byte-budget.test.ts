import { describe, expect, it } from 'vitest';
import { ByteBudget } from '../../../src/client/byte-budget.js';
import { BrookError, isBrookError } from '../../../src/protocol/errors.js';

describe('ByteBudget', () => {
  it('grants while there is room and refuses beyond it', () => {
    const budget = new ByteBudget(100, 'test');
    expect(budget.tryTake(60)).toBe(true);
    expect(budget.tryTake(40)).toBe(true);
    expect(budget.tryTake(1)).toBe(false);
    expect(budget.usedBytes).toBe(100);
  });

  it('makes takers wait until bytes are released, never exceeding the capacity', async () => {
    const budget = new ByteBudget(100, 'test');
    budget.tryTake(90);
    let granted = false;
    const waiting = budget.take(20, 10_000).then(() => {
      granted = true;
    });
    await Promise.resolve();
    expect(granted).toBe(false);
    budget.release(5);
    await Promise.resolve();
    expect(granted).toBe(false);
    budget.release(10);
    await waiting;
    expect(granted).toBe(true);
    expect(budget.usedBytes).toBe(95);
  });

  it('serves waiters first come, first served; tryTake does not jump the line', async () => {
    const budget = new ByteBudget(100, 'test');
    budget.tryTake(100);
    const order: string[] = [];
    const big = budget.take(80, 10_000).then(() => order.push('big'));
    const small = budget.take(10, 10_000).then(() => order.push('small'));
    expect(budget.tryTake(1)).toBe(false);
    budget.release(50);
    await Promise.resolve();
    expect(order).toEqual([]);
    budget.release(50);
    await Promise.all([big, small]);
    expect(order).toEqual(['big', 'small']);
    expect(budget.usedBytes).toBe(90);
  });

  it('grants a request larger than the whole budget only when nothing is held', async () => {
    const budget = new ByteBudget(100, 'test');
    budget.tryTake(10);
    const huge = budget.take(500, 10_000);
    budget.release(10);
    await huge;
    expect(budget.usedBytes).toBe(500);
    expect(budget.tryTake(1)).toBe(false);
  });

  it('gives up after maxWaitMs with a retriable RESOURCE_EXHAUSTED', async () => {
    const budget = new ByteBudget(10, 'producer buffer');
    budget.tryTake(10);
    const error: unknown = await budget.take(5, 20).catch((caught: unknown) => caught);
    expect(isBrookError(error, 'RESOURCE_EXHAUSTED')).toBe(true);
    expect((error as BrookError).retriable).toBe(true);
    expect((error as BrookError).message).toMatch(/producer buffer/);
    budget.release(10);
    expect(budget.usedBytes).toBe(0);
  });

  it('fails every waiter and later take on fail()', async () => {
    const budget = new ByteBudget(10, 'test');
    budget.tryTake(10);
    const waiting = budget.take(5, 10_000);
    budget.fail(new BrookError('INVALID_REQUEST', 'closed'));
    await expect(waiting).rejects.toThrow('closed');
    expect(() => budget.tryTake(1)).toThrow('closed');
  });
});
