import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  accuracy,
  computeEvalMetrics,
  confusionMatrix,
  evaluateSplit,
  macroF1,
  majorityRate,
  matthewsCorrelation,
} from '../../../server/core/train/metrics';
import type { EvalSplit } from '../../../server/core/data/example';

const close = (actual: number, expected: number, tol = 1e-12): void => {
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} != ${expected}`);
};

test('binary example computed by hand', () => {
  const gold = [1, 1, 1, 1, 0, 0, 0, 0, 0, 0];
  const pred = [1, 1, 1, 0, 0, 0, 0, 1, 1, 0];
  // TP 3, FN 1, FP 2, TN 4
  assert.deepEqual(confusionMatrix(pred, gold), [
    [4, 2],
    [1, 3],
  ]);
  close(accuracy(pred, gold), 0.7);
  close(matthewsCorrelation(pred, gold), (3 * 4 - 2 * 1) / Math.sqrt(5 * 4 * 6 * 5));
  // F1(1) = 2·3/(2·3+2+1) = 6/9; F1(0) = 2·4/(2·4+1+2) = 8/11
  close(macroF1(pred, gold), (6 / 9 + 8 / 11) / 2);
  close(majorityRate(gold), 0.6);
});

test('sklearn documentation examples', () => {
  // sklearn.metrics.matthews_corrcoef([+1, +1, +1, -1], [+1, -1, +1, +1]) == -0.33...
  close(matthewsCorrelation([1, 0, 1, 1], [1, 1, 1, 0]), -1 / 3);
  // sklearn.metrics.f1_score([0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1], average='macro') == 0.26...
  close(macroF1([0, 2, 1, 0, 0, 1], [0, 1, 2, 0, 1, 2]), 0.26666666666666666);
  close(accuracy([0, 2, 1, 0, 0, 1], [0, 1, 2, 0, 1, 2]), 1 / 3);
});

test('multi-class MCC by hand (Gorodkin form)', () => {
  // gold 0,0,1,1,2,2 — pred 0,0,1,2,2,2: c=5, s=6, t=(2,2,2), p=(2,1,3)
  // (5·6 − (4+2+6)) / sqrt((36 − 14)(36 − 12)) = 18 / sqrt(528)
  close(matthewsCorrelation([0, 0, 1, 2, 2, 2], [0, 0, 1, 1, 2, 2]), 18 / Math.sqrt(528));
  // The sklearn f1 example above has MCC exactly 0: c·s = 12 = Σ p·t.
  close(matthewsCorrelation([0, 2, 1, 0, 0, 1], [0, 1, 2, 0, 1, 2]), 0);
});

test('MCC limits: perfect 1, inverted −1, constant prediction 0', () => {
  close(matthewsCorrelation([0, 1, 0, 1], [0, 1, 0, 1]), 1);
  close(matthewsCorrelation([1, 0, 1, 0], [0, 1, 0, 1]), -1);
  assert.equal(matthewsCorrelation([1, 1, 1, 1], [0, 1, 0, 1]), 0);
  assert.equal(matthewsCorrelation([0, 1, 0, 1], [1, 1, 1, 1]), 0);
});

test('the general MCC equals the binary formula on any binary data (property)', () => {
  const labels = fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 })), { minLength: 1, maxLength: 60 });
  fc.assert(
    fc.property(labels, (pairs) => {
      const pred = pairs.map(([p]) => p);
      const gold = pairs.map(([, g]) => g);
      let tp = 0, tn = 0, fp = 0, fn = 0;
      pairs.forEach(([p, g]) => {
        if (p === 1 && g === 1) tp++;
        else if (p === 0 && g === 0) tn++;
        else if (p === 1) fp++;
        else fn++;
      });
      const den = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
      const expected = den === 0 ? 0 : (tp * tn - fp * fn) / den;
      return Math.abs(matthewsCorrelation(pred, gold, 2) - expected) < 1e-12;
    }),
  );
});

test('macro-F1 averages over classes present in gold or predictions (as sklearn)', () => {
  close(macroF1([0, 0], [0, 0], 3), 1);
  // class 2 predicted but never gold: F1(2) = 0 and it counts
  close(macroF1([0, 2], [0, 0], 3), (2 / 3 + 0) / 2);
});

test('input errors', () => {
  assert.throws(() => accuracy([0], [0, 1]), /1 predictions for 2 gold labels/);
  assert.throws(() => confusionMatrix([2], [0], 2), /prediction 2 outside 0..1/);
  assert.throws(() => confusionMatrix([0.5], [0], 2), /outside/);
});

test('computeEvalMetrics fills the protocol shape', () => {
  const m = computeEvalMetrics([1, 1, 0], [1, 0, 0], 'ood', { numClasses: 2, truncated: 4 });
  assert.deepEqual(Object.keys(m).sort(), ['accuracy', 'count', 'macroF1', 'majority', 'mcc', 'role', 'truncated']);
  assert.equal(m.role, 'ood');
  assert.equal(m.count, 3);
  close(m.accuracy, 2 / 3);
  close(m.majority, 2 / 3);
  assert.equal(computeEvalMetrics([0], [0], 'in-domain').truncated, undefined);
});

test('evaluateSplit maps three-way predictions onto HANS entailment / non-entailment', () => {
  const split: EvalSplit = {
    name: 'hans',
    role: 'ood',
    labelNames: ['entailment', 'non-entailment'],
    predictionMap: [0, 1, 1],
    examples: [0, 1, 1, 0].map((label) => ({ fields: { premise: 'p', hypothesis: 'h' }, label })),
    source: 'test',
  };
  // predictions: entailment, neutral, contradiction, neutral → 0, 1, 1, 1
  const m = evaluateSplit(split, [0, 1, 2, 1]);
  close(m.accuracy, 0.75);
  assert.throws(() => evaluateSplit(split, [0, 3, 0, 0]), /prediction 3 has no mapping/);
  const plain = evaluateSplit({ ...split, predictionMap: undefined }, [0, 1, 1, 1]);
  assert.deepEqual(plain, m);
});
