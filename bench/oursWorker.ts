// Entry of the bench's "ours" child process (bundled by run.mjs into dist/bench/oursWorker.js and
// run with plain node, so peak RSS is this workload's alone):
//   --spec <json>        time one workload, print one JSON line (SideResult)
//   --check <dir>        forward every fixture model under <dir>, print one JSON line per case
//   --profile <json>     profile one training step with onnxruntime's profiler (see profileStep.ts)
import { parseSpec } from './benchSpec';
import { checkCase, modelCases } from './oursCheck';
import { runOurs } from './oursWorkload';
import { profileStep } from './profileStep';

async function main(argv: string[]): Promise<void> {
  const check = argv.indexOf('--check');
  if (check >= 0) {
    for (const dir of modelCases(argv[check + 1])) console.log(JSON.stringify(await checkCase(dir)));
    return;
  }
  const profile = argv.indexOf('--profile');
  if (profile >= 0) {
    console.log(JSON.stringify(await profileStep(JSON.parse(argv[profile + 1]))));
    return;
  }
  console.log(JSON.stringify(await runOurs(parseSpec(argv))));
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
