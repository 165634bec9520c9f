# What the diff tests share: the package rows of `ocigate diff --format
# json` against two listings made by the package tools.  Source it after
# tap.sh; $W is the scratch folder.
diff_rows_agree () { # diff_rows_agree DESC LIST-A LIST-B JSON ROW: the rows of JSON on each side, each as the jq expression ROW of the side's record (.name, .arch, .evr), are comm -23 and comm -13 of the sorted listings
  LC_ALL=C comm -23 "$2" "$3" > "$W/want-a"
  LC_ALL=C comm -13 "$2" "$3" > "$W/want-b"
  jq -r ".packages[] | select(.a) | .a | $5" "$4" | LC_ALL=C sort > "$W/got-a"
  jq -r ".packages[] | select(.b) | .b | $5" "$4" | LC_ALL=C sort > "$W/got-b"
  same "$1: the rows on side A are comm -23 of the listings ($(wc -l < "$W/want-a"))" "$W/want-a" "$W/got-a"
  same "$1: the rows on side B are comm -13 of the listings ($(wc -l < "$W/want-b"))" "$W/want-b" "$W/got-b"
}
