# doc-coverage.awk — is every exported function documented the way gtk-doc and gi-docgen read it?
#
# Input: first the list of exported symbols (one per line, file named by -v exported=FILE),
# then the public headers and libkv's sources. Prints one line per problem:
#   <symbol>: no doc block | does not document @<param> | has no Returns: | has no Since:
# GType getters (*_get_type) are exempt: gtk-doc documents them with their type.
# Plain awk (POSIX) so that the check runs wherever make check does.

function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }

# A prototype, once its text up to ';' is gathered: remember its parameters and
# whether it returns something.
function add_prototype(text,    lparen, rparen, name, before, args, n, i, a, parts) {
  if (text ~ /^[ \t]*G_DECLARE_/)
    return
  gsub(/G_GNUC_[A-Z_]+( \([^)]*\))?/, "", text)
  lparen = index(text, "(")
  if (lparen == 0)
    return
  before = trim(substr(text, 1, lparen - 1))
  if (!match(before, /[A-Za-z_][A-Za-z0-9_]*$/))
    return
  name = substr(before, RSTART, RLENGTH)
  before = trim(substr(before, 1, RSTART - 1))
  rparen = length(text)
  while (rparen > lparen && substr(text, rparen, 1) != ")")
    rparen--
  args = trim(substr(text, lparen + 1, rparen - lparen - 1))
  proto_seen[name] = 1
  proto_void[name] = (before == "void")
  proto_params[name] = ""
  if (args == "void" || args == "")
    return
  n = split(args, parts, ",")
  for (i = 1; i <= n; i++) {
    a = trim(parts[i])
    sub(/\[[^]]*\]$/, "", a)
    if (match(a, /[A-Za-z_][A-Za-z0-9_]*$/))
      proto_params[name] = proto_params[name] " " substr(a, RSTART, RLENGTH)
  }
}

FILENAME == exported { want[$1] = 1; next }

# Doc blocks: "/**" alone on a line, then " * identifier: (annotations)".
/^\/\*\*[ \t]*$/ { in_block = 1; ident = ""; next }
in_block && /\*\// {
  in_block = 0
  next
}
in_block {
  line = $0
  sub(/^[ \t]*\*[ \t]?/, "", line)
  if (ident == "" && line ~ /^[A-Za-z_][A-Za-z0-9_]*:/) {
    ident = substr(line, 1, index(line, ":") - 1)
    documented[ident] = 1
    next
  }
  if (ident == "")
    next
  if (match(line, /^@[A-Za-z_][A-Za-z0-9_]*:/))
    doc_param[ident, substr(line, 2, RLENGTH - 2)] = 1
  else if (line ~ /^Returns:/)
    doc_returns[ident] = 1
  else if (line ~ /^Since:/)
    doc_since[ident] = 1
  next
}

# Prototypes: the line after an availability macro, up to the ';'.
/^(KV_AVAILABLE_IN_|KV_DEPRECATED_IN_)/ { gathering = 1; proto = ""; next }
gathering {
  proto = proto " " $0
  if (index($0, ";")) {
    gathering = 0
    add_prototype(proto)
  }
  next
}

END {
  for (sym in want) {
    if (sym ~ /_get_type$/)
      continue
    if (!(sym in documented)) {
      print sym ": no doc block"
      continue
    }
    if (sym in proto_seen) {
      n = split(proto_params[sym], ps, " ")
      for (i = 1; i <= n; i++)
        if (!((sym, ps[i]) in doc_param))
          print sym ": does not document @" ps[i]
      if (!proto_void[sym] && !(sym in doc_returns))
        print sym ": has no Returns:"
    } else {
      print sym ": no prototype found after a KV_AVAILABLE_IN_* line"
    }
    if (!(sym in doc_since))
      print sym ": has no Since:"
  }
}
