#!/usr/bin/env python3
"""Logits of a checkpoint folder computed by Hugging Face Transformers itself.

The strongest check of @smoe/hub's layouts: the folder is loaded with
`AutoModelForCausalLM.from_pretrained` (the class named by config.json: MixtralForCausalLM,
Qwen2MoeForCausalLM or OlmoeForCausalLM), in float32 with eager attention, and its logits for
one sequence are printed as JSON. With --text, the folder's tokenizer (`AutoTokenizer`) also
encodes the text and the ids are printed, to check an exported tokenizer.json.

Needs Python with torch and transformers (not a CI requirement), e.g. a virtual environment:
    python3 -m venv .venv-hf && .venv-hf/bin/pip install torch transformers safetensors
    .venv-hf/bin/python transformers_logits.py DIR 3,17,0,39 [--text "Call me Ishmael."]
"""
import json
import sys

import torch
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer


def main():
    folder, ids = sys.argv[1], [int(i) for i in sys.argv[2].split(",")]
    text = sys.argv[sys.argv.index("--text") + 1] if "--text" in sys.argv else None
    config = AutoConfig.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")
    model.eval()
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0]
    out = {"architecture": type(model).__name__, "model_type": config.model_type, "logits": logits.tolist()}
    if text is not None:
        out["ids"] = AutoTokenizer.from_pretrained(folder)(text, add_special_tokens=False).input_ids
    print(json.dumps(out))


if __name__ == "__main__":
    main()
