#!/bin/sh
# The interactive shell, driven through tmux like a person at a terminal: start
# `cairn -c test:///default`, type commands, read the screen. Covers the banner and prompt,
# running commands, tab completion of a command, a domain, an option and a checkpoint name,
# history recall with the Up key, checkpoint-edit's "Try again?" question, and `quit`
# writing the history file.
# A private tmux server (-S socket) is used, so no other tmux session is touched. Every
# wait polls the screen with a timeout rather than sleeping a fixed time.
# Exits 77 (skipped) only when tmux is not installed.
#
# usage: interactive_shell_test.sh CAIRN WORK_DIR
set -u
CAIRN=$1
WORK=$2
if ! command -v tmux >/dev/null 2>&1; then
  echo "SKIP: tmux is not installed (scripts/install-deps installs it)"
  exit 77
fi
rm -rf "$WORK" && mkdir -p "$WORK/cache" || exit 1
# The socket lives in /tmp: Unix socket paths are short, build directories may not be.
SOCK=$(mktemp -u /tmp/cairn-tmux.XXXXXX)
T="tmux -S $SOCK"
trap '$T kill-server >/dev/null 2>&1; rm -f "$SOCK"' EXIT INT TERM

fail() {
  echo "FAIL: $1" >&2
  echo "---- screen ----" >&2
  $T capture-pane -p -t cairn >&2
  exit 1
}

# wait_for PATTERN WHAT: polls the screen (up to 10 s) for a line matching the grep -E pattern.
wait_for() {
  i=0
  while [ $i -lt 100 ]; do
    if $T capture-pane -p -t cairn 2>/dev/null | grep -Eq -- "$1"; then return 0; fi
    sleep 0.1
    i=$((i + 1))
  done
  fail "$2: no line matching '$1' on the screen"
}

# The line the cursor is on, trailing blanks removed.
cursor_line() {
  y=$($T display-message -p -t cairn '#{cursor_y}')
  $T capture-pane -p -t cairn | sed -n "$((y + 1))p" | sed 's/ *$//'
}

# wait_prompt_line TEXT WHAT: polls until the cursor line reads exactly TEXT.
wait_prompt_line() {
  i=0
  while [ $i -lt 100 ]; do
    [ "$(cursor_line)" = "$1" ] && return 0
    sleep 0.1
    i=$((i + 1))
  done
  fail "$2: the cursor line is '$(cursor_line)', expected '$1'"
}

# checkpoint-edit's editor turns the document into one the redefinition refuses.
printf '#!/bin/sh\nsed -i -e "s|domaincheckpoint>|broken>|" "$1"\n' >"$WORK/breakit"
chmod +x "$WORK/breakit"
$T -f /dev/null new-session -d -s cairn -x 150 -y 50 \
  "env XDG_CACHE_HOME=$WORK/cache TERM=xterm EDITOR=$WORK/breakit $CAIRN -c test:///default" ||
  fail "tmux did not start"
$T set-option -t cairn remain-on-exit on >/dev/null

wait_for '^Welcome to cairn, the virtualization interactive terminal\.$' "banner"
wait_prompt_line 'cairn #' "first prompt"

$T send-keys -t cairn 'checkpoint-create-as test c1' Enter
wait_for '^Domain checkpoint c1 created$' "creating c1"
wait_prompt_line 'cairn #' "prompt after create"

$T send-keys -t cairn 'checkpoint-list test --name' Enter
wait_for '^c1$' "listing names"
wait_prompt_line 'cairn #' "prompt after list"

# A command name: "checkpoint-li" has one completion.
$T send-keys -t cairn 'checkpoint-li' Tab
wait_prompt_line 'cairn # checkpoint-list' "completing a command name"
# A domain name, then an option (readline adds a space after each completed word).
$T send-keys -t cairn 'te' Tab
wait_prompt_line 'cairn # checkpoint-list test' "completing a domain name"
$T send-keys -t cairn -- '--pa' Tab
wait_prompt_line 'cairn # checkpoint-list test --parent' "completing an option"
$T send-keys -t cairn Enter
wait_for '^ Name +Creation Time +Parent$' "table with --parent"
wait_for '^ c1 +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [+-][0-9]{4}$' "row of c1"
wait_prompt_line 'cairn #' "prompt after the table"

# A checkpoint name of the domain on the line.
$T send-keys -t cairn 'checkpoint-info test ' Tab
wait_prompt_line 'cairn # checkpoint-info test c1' "completing a checkpoint name"
$T send-keys -t cairn Enter
wait_for '^Name: +c1$' "checkpoint-info output"
wait_for '^Descendants: +0$' "checkpoint-info output end"
wait_prompt_line 'cairn #' "prompt after info"

# History: Up recalls the last command.
$T send-keys -t cairn Up
wait_prompt_line 'cairn # checkpoint-info test c1' "history recall"
$T send-keys -t cairn C-u
wait_prompt_line 'cairn #' "line cleared"

# Errors are shown and the shell goes on.
$T send-keys -t cairn 'checkpoint-info test nosuch' Enter
wait_for "^error: Domain checkpoint not found: .*nosuch" "error message"
wait_prompt_line 'cairn #' "prompt after an error"

# A failed checkpoint-edit asks on the terminal whether to try again; '?' explains, 'n' gives up.
$T send-keys -t cairn 'checkpoint-edit test c1' Enter
wait_for "^error: XML error: expecting root element of 'domaincheckpoint', not 'broken'" "redefinition error"
wait_prompt_line 'Failed. Try again? [y,n,f,?]:' "re-edit question"
$T send-keys -t cairn '?'
wait_for '^n - no, throw away my changes$' "re-edit help"
$T send-keys -t cairn 'n'
wait_for '^error: Failed to update c1$' "giving up the edit"
wait_prompt_line 'cairn #' "prompt after the edit"

$T send-keys -t cairn 'quit' Enter
i=0
while [ "$($T display-message -p -t cairn '#{pane_dead}')" != 1 ]; do
  [ $i -ge 100 ] && fail "cairn did not exit after quit"
  sleep 0.1
  i=$((i + 1))
done
grep -qx 'checkpoint-create-as test c1' "$WORK/cache/cairn/history" ||
  fail "the history file does not hold the commands typed"
echo "interactive shell: prompt, commands, completion, history and quit work"
