# Sourced by the scripts that publish or build into a directory (cli-publish.sh, node-image.sh, vm-image-daemons.sh,
# vm-image.sh); they set $repo (the checkout's root) first.
# output_dir SCRIPT VERB DIR: creates DIR and prints its physical path, or refuses (exit 2) a DIR that is the checkout
# itself or lies in src/ or tests/, since the scripts empty or overwrite their output directory.
output_dir() {
  local script="$1" verb="$2" dir="$3"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd -P)"
  case "$dir" in
    "$repo"|"$repo/src"|"$repo/src/"*|"$repo/tests"|"$repo/tests/"*) echo "$script: refusing to $verb into $dir" >&2; exit 2 ;;
  esac
  printf '%s\n' "$dir"
}
