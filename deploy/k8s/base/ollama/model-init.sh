#!/bin/sh
# model-init: creates MikuCloud's house models in this Ollama replica's model volume, from the Modelfiles in
# $MODELFILES_DIR (the ConfigMap ollama-modelfiles, a copy of the repository's modelfiles/*.Modelfile).
# Runs as an init container with the Ollama image: starts a private server on loopback, pulls each base model
# unless it is already there (so restarts work offline), runs `ollama create <name> -f <file>` (cheap and
# idempotent when nothing changed) and stops the server. The model name is the file name, as in the AppHost.
#
#   MIKU_QUANTIZATION  q4_K_M | q8_0 | bf16: replaces the quantization suffix of FROM (as Ollama:Quantization does)
#   MIKU_BASE_MODEL    replaces FROM entirely (e.g. a smaller qwen3-vl for CPU trials)
set -eu

MODELFILES_DIR="${MODELFILES_DIR:-/modelfiles}"
WORK_DIR="${WORK_DIR:-/tmp/model-init}"
QUANTIZATIONS="q4_K_M q8_0 bf16"

quant="${MIKU_QUANTIZATION:-}"
if [ -n "$quant" ]; then
  case " $QUANTIZATIONS " in
    *" $quant "*) ;;
    *) echo "model-init: MIKU_QUANTIZATION='$quant' is not one of: $QUANTIZATIONS" >&2; exit 2 ;;
  esac
fi

mkdir -p "$WORK_DIR"
export OLLAMA_HOST=127.0.0.1:11434
ollama serve >"$WORK_DIR/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT INT TERM

tries=0
until ollama list >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -gt 120 ]; then
    echo "model-init: the Ollama server did not start; its log:" >&2
    cat "$WORK_DIR/serve.log" >&2
    exit 1
  fi
  sleep 1
done

found=0
for source in "$MODELFILES_DIR"/*.Modelfile; do
  [ -f "$source" ] || continue
  found=1
  name=$(basename "$source" .Modelfile)
  modelfile="$WORK_DIR/$name.Modelfile"
  if [ -n "${MIKU_BASE_MODEL:-}" ]; then
    sed "s|^FROM[[:space:]].*\$|FROM ${MIKU_BASE_MODEL}|" "$source" >"$modelfile"
  elif [ -n "$quant" ]; then
    sed -E "s/^(FROM[[:space:]]+[^[:space:]]+)-(q4_K_M|q8_0|bf16)[[:space:]]*\$/\\1-${quant}/" "$source" >"$modelfile"
  else
    cp "$source" "$modelfile"
  fi

  base=$(sed -n 's/^FROM[[:space:]]\{1,\}\([^[:space:]]\{1,\}\).*$/\1/p' "$modelfile" | head -n 1)
  if [ -z "$base" ]; then
    echo "model-init: $source has no FROM line" >&2
    exit 1
  fi

  if ollama show "$base" >/dev/null 2>&1; then
    echo "model-init: $base is already here"
  else
    echo "model-init: pulling $base (resumes where a previous attempt stopped)"
    ollama pull "$base"
  fi

  echo "model-init: creating $name from $base"
  ollama create "$name" -f "$modelfile"
done

if [ "$found" -eq 0 ]; then
  echo "model-init: no *.Modelfile in $MODELFILES_DIR" >&2
  exit 1
fi
echo "model-init: done"
