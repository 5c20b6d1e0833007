import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOptConfig } from '../../../server/core/model/config';
import { optParameterShapes, paramsFromTensors } from '../../../server/core/model/optParams';
import { readSafetensors } from '../../../server/core/model/weights/safetensors';

const DIR = join(__dirname, '../../fixtures/reference/tiny-opt-prenorm');
const config = parseOptConfig(JSON.parse(readFileSync(join(DIR, 'config.json'), 'utf8')), 'config.json');

test('checkpoint names with or without the leading model. are accepted', () => {
  const tensors = readSafetensors(join(DIR, 'model.safetensors'));
  const hubStyle = new Map([...tensors].map(([n, t]) => [n.replace(/^model\./, ''), t]));
  const a = paramsFromTensors(tensors as never, optParameterShapes(config), 'a');
  const b = paramsFromTensors(hubStyle as never, optParameterShapes(config), 'b');
  assert.equal(a.size, optParameterShapes(config).size);
  assert.deepEqual([...a.keys()], [...b.keys()]);
  assert.equal(a.get('model.decoder.layers.1.fc2.weight'), tensors.get('model.decoder.layers.1.fc2.weight')!.data, 'no copy');
});

test('missing and mis-shaped tensors are all listed, with the source', () => {
  const tensors = readSafetensors(join(DIR, 'model.safetensors'));
  tensors.delete('model.decoder.layers.0.fc1.bias');
  tensors.set('model.decoder.layers.1.fc1.weight', { dtype: 'F32', shape: [3, 3], data: new Float32Array(9) });
  assert.throws(
    () => paramsFromTensors(tensors as never, optParameterShapes(config), 'ckpt'),
    /ckpt: missing tensor model\.decoder\.layers\.0\.fc1\.bias \[128\]; tensor model\.decoder\.layers\.1\.fc1\.weight has shape \[3,3\], the model expects \[128,64\]/,
  );
});
