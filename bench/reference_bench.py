"""The reference side of one bench workload, in its own process (so its peak RSS is its own):
`python3 bench/reference_bench.py --spec '<json>'` prints one JSON line. The spec and the synthetic
batch are the ones our side gets (benchSpec.ts; the batch formula is mirrored here).

Workloads, each as Hugging Face + PEFT + torch would run them (model.train(), dropout from the
config, torch.optim.AdamW with its defaults and weight_decay 0.01):
  full  OPTForSequenceClassification-style CE on the last non-pad token, AdamW over every parameter
  pbft  hidden[last] @ E[verbalizer ids]^T (the tied LM head restricted to K rows), CE, AdamW over all
  lora  LoRA on q_proj/v_proj + trainable score head, base frozen (requires_grad False)
  eval  model.eval(), torch.no_grad(), classification logits
"""
import json
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

from reference_opt import Config, Opt


def synthetic_batch(b, t, vocab, num_labels, pad):
    """Mirror of syntheticBatch in benchSpec.ts."""
    cut = max(1, t // 4)
    ids, mask = [], []
    for i in range(b):
        n = t - (13 * i) % cut
        ids.append([pad if j >= n else 2 if j == 0 else 3 + (i * t * 31 + j * 7919 + 11) % (vocab - 3) for j in range(t)])
        mask.append([1 if j < n else 0 for j in range(t)])
    verbalizer = [1000 % vocab, 2000 % vocab]
    if verbalizer[0] == verbalizer[1]:
        verbalizer[1] = (verbalizer[1] + 1) % vocab
    labels = [i % num_labels for i in range(b)]
    return torch.tensor(ids), torch.tensor(mask), torch.tensor(labels), torch.tensor(verbalizer)


def build(spec):
    cfg = Config(spec["model"])
    if not spec["dropout"]:
        cfg.dropout = 0.0
    w = spec["workload"]
    model = Opt(cfg, None if w == "pbft" else spec["numLabels"])
    if w == "lora":
        lo = spec["lora"]
        model.add_lora(lo["r"], lo["alpha"], lo["dropout"], lo["targets"])
        for name, p in model.named_parameters():
            p.requires_grad = "lora_" in name or name == "score.weight"
    return model


def make_step(spec, model, ids, mask, labels, verbalizer):
    w = spec["workload"]
    if w == "eval":
        model.eval()

        def forward():
            with torch.no_grad():
                model.class_logits(ids, mask)

        return forward
    model.train()
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=spec["lr"], weight_decay=0.01)

    def step():
        logits = model.verbalizer_logits(ids, mask, verbalizer) if w == "pbft" else model.class_logits(ids, mask)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        return loss.item()

    return step


COMPUTES = {
    "full": "cls head on last non-pad token, F.cross_entropy, backward + torch.optim.AdamW over all parameters",
    "pbft": "hidden[last] @ E[verbalizer].T (2 rows of the tied LM head), F.cross_entropy, backward + AdamW over all",
    "lora": "LoRA on q,v + score trainable, base requires_grad=False, F.cross_entropy, AdamW",
    "eval": "model.eval(), torch.no_grad(), classification logits",
}


def main(spec):
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(spec["seed"])
    t0 = time.perf_counter()
    model = build(spec)
    cfg = model.model.decoder.cfg
    ids, mask, labels, verbalizer = synthetic_batch(spec["batch"], spec["seq"], cfg.vocab_size, spec["numLabels"], cfg.pad)
    step = make_step(spec, model, ids, mask, labels, verbalizer)
    setup = time.perf_counter() - t0
    for _ in range(spec["warmup"]):
        step()
    times, loss = [], None
    for _ in range(spec["reps"]):
        r0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - r0)
    return {
        "side": "ref",
        "label": spec["label"],
        "workload": spec["workload"],
        "times": times,
        "median_s": statistics.median(times),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "provider": f"torch {torch.__version__} cpu",
        "threads": torch.get_num_threads(),
        "setup_s": setup,
        "loss": loss,
        "computes": COMPUTES[spec["workload"]],
        "notes": [],
    }


if __name__ == "__main__":
    if "--spec" not in sys.argv:
        sys.exit("usage: python3 reference_bench.py --spec <json>")
    print(json.dumps(main(json.loads(sys.argv[sys.argv.index("--spec") + 1]))))
