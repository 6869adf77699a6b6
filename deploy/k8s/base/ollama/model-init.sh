#!/bin/sh
# model-init: creates MikuCloud's house models in this Ollama replica's model volume, from the Modelfiles in
# $MODELFILES_DIR (the ConfigMap ollama-modelfiles, a copy of the repository's modelfiles/*.Modelfile).
# Runs as an init container with the Ollama image: starts a private server on loopback, pulls each base model
# unless it is already there (so restarts work offline), runs `ollama create <name> -f <file>` (cheap and
# idempotent when nothing changed; it uploads an ADAPTER's GGUF itself) and stops the server. The model name is the
# file name, as in the AppHost. Optional models (`# optional: true`) are created only when enabled.
#
#   MIKU_MODELS_ENABLED  optional models to create too, comma- or space-separated (as HouseModels:Enabled); an unknown
#                        name stops model-init
#   MIKU_QUANTIZATION    q4_K_M | q8_0 | bf16: replaces the quantization suffix of FROM (as Ollama:Quantization does) for
#                        the default model and the models on its base (its LoRA variants); other bases keep theirs
#   MIKU_BASE_MODEL      replaces the default model's FROM entirely (e.g. a smaller qwen3-vl for CPU trials)
#   ADAPTERS_DIR         where the LoRA adapters are mounted (default /adapters): `ADAPTER ./adapters/x.gguf` reads
#                        $ADAPTERS_DIR/x.gguf. A missing adapter skips that model (with an error) and creates the rest.
set -eu

MODELFILES_DIR="${MODELFILES_DIR:-/modelfiles}"
WORK_DIR="${WORK_DIR:-/tmp/model-init}"
ADAPTERS_DIR="${ADAPTERS_DIR:-/adapters}"
QUANTIZATIONS="q4_K_M q8_0 bf16"

quant="${MIKU_QUANTIZATION:-}"
if [ -n "$quant" ]; then
  case " $QUANTIZATIONS " in
    *" $quant "*) ;;
    *) echo "model-init: MIKU_QUANTIZATION='$quant' is not one of: $QUANTIZATIONS" >&2; exit 2 ;;
  esac
fi

# The base of FROM without its quantization suffix.
without_quant() { printf '%s\n' "$1" | sed -E 's/-(q4_K_M|q8_0|bf16)$//'; }
from_of() { sed -n 's/^FROM[[:space:]]\{1,\}\([^[:space:]]\{1,\}\).*$/\1/p' "$1" | head -n 1; }
is_optional() { grep -qi '^#[[:space:]]*optional:[[:space:]]*true[[:space:]]*$' "$1"; }

# The default model: the one marked `# default: true`, else the first required one (as HouseModelCatalog.DefaultModel).
default_file=$(grep -li '^#[[:space:]]*default:[[:space:]]*true[[:space:]]*$' "$MODELFILES_DIR"/*.Modelfile 2>/dev/null | head -n 1 || true)
if [ -z "$default_file" ]; then
  for source in "$MODELFILES_DIR"/*.Modelfile; do
    [ -f "$source" ] && ! is_optional "$source" && { default_file=$source; break; }
  done
fi
default_base=""
[ -n "$default_file" ] && default_base=$(without_quant "$(from_of "$default_file")")

enabled=" "
for wanted in $(printf '%s' "${MIKU_MODELS_ENABLED:-}" | tr ',;' '  '); do
  wanted=$(printf '%s' "${wanted%:latest}" | tr 'A-Z' 'a-z')
  if [ ! -f "$MODELFILES_DIR/$wanted.Modelfile" ]; then
    optional=""
    for source in "$MODELFILES_DIR"/*.Modelfile; do
      is_optional "$source" && optional="$optional $(basename "$source" .Modelfile)"
    done
    echo "model-init: MIKU_MODELS_ENABLED names '$wanted', not a house model (optional models:$optional)" >&2
    exit 2
  fi
  enabled="$enabled$wanted "
done

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
failed=""
for source in "$MODELFILES_DIR"/*.Modelfile; do
  [ -f "$source" ] || continue
  found=1
  name=$(basename "$source" .Modelfile)
  if is_optional "$source"; then
    case "$enabled" in
      *" $name "*) ;;
      *) echo "model-init: skipping $name (optional; not in MIKU_MODELS_ENABLED)"; continue ;;
    esac
  fi

  modelfile="$WORK_DIR/$name.Modelfile"
  if [ "$source" = "$default_file" ] && [ -n "${MIKU_BASE_MODEL:-}" ]; then
    sed "s|^FROM[[:space:]].*\$|FROM ${MIKU_BASE_MODEL}|" "$source" >"$modelfile"
  elif [ -n "$quant" ] && [ "$(without_quant "$(from_of "$source")")" = "$default_base" ]; then
    sed -E "s/^(FROM[[:space:]]+[^[:space:]]+)-(q4_K_M|q8_0|bf16)[[:space:]]*\$/\\1-${quant}/" "$source" >"$modelfile"
  else
    cp "$source" "$modelfile"
  fi

  base=$(from_of "$modelfile")
  if [ -z "$base" ]; then
    echo "model-init: $source has no FROM line" >&2
    exit 1
  fi

  # ADAPTER ./adapters/x.gguf (relative to modelfiles/) is read from the adapters volume.
  if grep -q '^ADAPTER[[:space:]]' "$modelfile"; then
    sed -E "s#^ADAPTER[[:space:]]+(\\./)?(adapters/)?([^[:space:]]+)[[:space:]]*\$#ADAPTER ${ADAPTERS_DIR}/\\3#" "$modelfile" >"$modelfile.tmp"
    mv "$modelfile.tmp" "$modelfile"
    adapter=$(sed -n 's/^ADAPTER[[:space:]]\{1,\}//p' "$modelfile" | head -n 1)
    if [ ! -f "$adapter" ]; then
      echo "model-init: cannot create $name: its LoRA adapter $adapter is missing. Mount the GGUF at $ADAPTERS_DIR" \
        "(README, \"Models\" → \"Add a LoRA adapter\") or leave $name out of MIKU_MODELS_ENABLED." >&2
      failed="$failed $name"
      continue
    fi
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
if [ -n "$failed" ]; then
  # The other models serve; the server's readiness only needs the default one.
  echo "model-init: done, except:$failed (see above)" >&2
else
  echo "model-init: done"
fi
