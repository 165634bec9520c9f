#!/bin/bash
# bash completion (packaging/bash-completion/ocigate): sourced into a fresh
# bash, it registers a function for `ocigate`; completing `ocigate ` offers
# exactly the verbs that `ocigate --help` lists, `ocigate VERB --` exactly the
# options of `ocigate VERB --help`, and an option's listed values (a|b|c) after
# it.  `meson install` puts the file where bash-completion loads it.
set -u
. "$OG_SOURCE_ROOT/tests/lib/fixtures.sh"
workdir
C=$OG_SOURCE_ROOT/packaging/bash-completion/ocigate

# complete WORD...: what the completion offers for `ocigate WORD...` (the last
# word is the one under the cursor), one per line, sorted.
complete_words () {
  bash --norc --noprofile -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _ocigate; printf "%s\n" "${COMPREPLY[@]}"' complete "$C" "$OCIGATE" "$@" | sort
}

bash --norc --noprofile -c '. "$1" && complete -p ocigate' complete "$C" > "$W/spec" 2>&1
check "sourcing it registers a completion for ocigate (complete -p ocigate)" \
  grep -qE '^complete .*-F _ocigate ocigate$' "$W/spec"

# The verbs as the top-level help lists them: the lines between "Verbs:" and
# the next blank line, first word.
"$OCIGATE" --help | sed -n '/^Verbs:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p' | sort > "$W/verbs"
complete_words "" > "$W/got"
check "ocigate --help lists verbs" test "$(wc -l < "$W/verbs")" -ge 5
same "completing 'ocigate ' offers exactly the verbs of ocigate --help" "$W/verbs" "$W/got"
first=$(head -1 "$W/verbs")
grep "^${first:0:2}" "$W/verbs" > "$W/want"
complete_words "${first:0:2}" > "$W/got"
same "completing 'ocigate ${first:0:2}' offers the verbs that start so" "$W/want" "$W/got"

while read -r verb; do
  "$OCIGATE" "$verb" --help 2> /dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u > "$W/want"
  complete_words "$verb" -- > "$W/got"
  same "completing 'ocigate $verb --' offers the options of 'ocigate $verb --help'" "$W/want" "$W/got"
done < "$W/verbs"

# Sub-verbs: the words after VERB in its Usage lines (manifest generate|lint,
# install hooks-dir|bundle).
for verb in manifest install; do
  "$OCIGATE" "$verb" --help | sed -n '1,/^$/p' | sed -n "s/^.*ocigate $verb \([a-z][a-z-]*\).*/\1/p" | sort -u > "$W/want"
  complete_words "$verb" "" > "$W/got"
  check "ocigate $verb --help has sub-verbs" test -s "$W/want"
  same "completing 'ocigate $verb ' offers its sub-verbs" "$W/want" "$W/got"
done

# Values: --format after inventory, --on-error after install.
"$OCIGATE" inventory --help | sed -n 's/^ *--format \([a-z|]*\).*/\1/p' | tr '|' '\n' | sort > "$W/want"
complete_words inventory --format "" > "$W/got"
check "inventory --help lists --format values" test "$(wc -l < "$W/want")" -ge 2
same "completing 'ocigate inventory --format ' offers the formats its help lists" "$W/want" "$W/got"
"$OCIGATE" install --help | sed -n 's/^ *--on-error \([a-z|]*\).*/\1/p' | tr '|' '\n' | sort > "$W/want"
complete_words install hooks-dir --on-error "" > "$W/got"
check "install --help lists --on-error values" test -s "$W/want"
same "completing 'ocigate install hooks-dir --on-error ' offers its values" "$W/want" "$W/got"
# A SOURCE completes as a file name.
mkdir -p "$W/tree/rootfs-a"
(cd "$W/tree" && bash --norc --noprofile -c '. "$1"; COMP_WORDS=("$2" inventory root); COMP_CWORD=2; _ocigate; printf "%s\n" "${COMPREPLY[@]}"' complete "$C" "$OCIGATE") > "$W/got"
check "completing 'ocigate inventory root' offers the directory rootfs-a" test "$(cat "$W/got")" = rootfs-a

# Installed where bash-completion looks: its pkg-config completionsdir for this
# prefix (or DATADIR/bash-completion/completions without it).
prefix=$(meson introspect --buildoptions "$OG_BUILD_ROOT" | jq -r '.[] | select(.name == "prefix") | .value')
datadir=$(meson introspect --buildoptions "$OG_BUILD_ROOT" | jq -r '.[] | select(.name == "datadir") | .value')
dir=$(pkg-config --define-variable=datadir="$prefix/$datadir" --variable=completionsdir bash-completion 2> /dev/null)
[ -n "$dir" ] || dir=$prefix/$datadir/bash-completion/completions
meson install -C "$OG_BUILD_ROOT" --no-rebuild --quiet --destdir "$W/inst" > /dev/null 2>&1
check "meson install puts it at $dir/ocigate" cmp "$C" "$W/inst$dir/ocigate"
plan_end
