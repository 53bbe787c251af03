// ManPage: cairn(1) assembled from the command table and the prose below.
#include "tools/cairn/man_page.hpp"

#include <fmt/format.h>

#include <map>

#include "tools/cairn/command_table.hpp"
#include "tools/cairn/help_text.hpp"

#ifndef CAIRN_CLI_VERSION
#error "CAIRN_CLI_VERSION must name the Cairn version the tool is built from"
#endif

namespace cairn::cli {
namespace {

// `text` safe for roff: backslashes and hyphens escaped, no line starting with a control
// character.
std::string Roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

// Per-command paragraphs that only the manual carries: the rules a user must know beyond
// the one-line help.
const std::map<std::string_view, std::string_view>& CommandNotes() {
  static const std::map<std::string_view, std::string_view> kNotes = {
      {"checkpoint-create",
       "Without XMLFILE the checkpoint is named after the current time. --redefine "
       "reinstates metadata previously printed by checkpoint-dumpxml (parents must be "
       "redefined before their children); --redefine-validate also checks that the "
       "bitmaps exist and needs --redefine. --quiesce freezes the guest's file systems "
       "through the guest agent and cannot be combined with --redefine."},
      {"checkpoint-create-as",
       "Builds the <domaincheckpoint> document from the options and creates it, or with "
       "--print-xml only prints it. Each DISKSPEC is disk[,checkpoint=type][,bitmap=name], a "
       "literal comma written as two. The word --diskspec must precede each spec unless "
       "domain, name and description are all given by position."},
      {"checkpoint-delete",
       "Changes recorded since the checkpoint are merged into its parent, so later "
       "incremental backups stay correct. --children also deletes every descendant; "
       "--children-only deletes the descendants and keeps the checkpoint; --metadata "
       "forgets cairn's record and leaves the bitmaps in the disk images."},
      {"checkpoint-dumpxml",
       "--size adds, per disk, the bytes changed since the checkpoint (the domain must be "
       "running). --xpath prints only the nodes the expression selects, each on its own "
       "line, or with --wrap under one <nodes> element."},
      {"checkpoint-edit",
       "Opens the checkpoint's XML in $VISUAL, else $EDITOR, else vi, and redefines the "
       "checkpoint from the result. The name cannot be changed. When the redefinition fails "
       "on a terminal, cairn offers to edit again (y), give up (n) or retry as is (f)."},
      {"checkpoint-info", "Prints Name, Domain, Parent (- for a root), Children and Descendants."},
      {"checkpoint-list",
       "Lists by name (case-insensitively) unless --topological, which puts every parent "
       "before its children. --parent, --roots and --tree are mutually exclusive, as are "
       "--tree and --name, --roots and --from; --leaves and --no-leaves cannot be used with "
       "--tree; --descendants needs --from. --from lists the children of a checkpoint (all "
       "its descendants with --descendants), without the checkpoint itself unless --tree."},
      {"checkpoint-parent", "Fails for a checkpoint without a parent."},
      {"undefine",
       "A running domain becomes transient. An inactive domain that still has checkpoint "
       "metadata is refused unless --checkpoints-metadata is given, which discards that "
       "metadata (the bitmaps stay in the disk images)."},
      {"domstate",
       "Cairn does not record why a domain is in its state; --reason prints "
       "\"unknown\"."},
      {"version",
       "The running hypervisor's version is known for the test driver, which is part of "
       "libcairn; for others cairn says it cannot extract it."},
      {"complete",
       "Prints the completions of the command line made of its arguments, one per line; "
       "give the line after \"--\", as in: cairn complete -- checkpoint-list test --p"},
  };
  return kNotes;
}

std::string CommandsSection() {
  std::string out = ".SH COMMANDS\n";
  for (const CommandGroup& g : CommandGroups()) {
    out += fmt::format(".SS \"{} (help keyword '{}')\"\n", Roff(g.name), Roff(g.keyword));
    for (const CommandDef& c : g.commands) {
      out += ".TP\n.B " + Roff(Synopsis(c)) + "\n" + Roff(c.help) + ".\n";
      if (!c.description.empty() && c.description != c.help) {
        out += ".br\n" + Roff(c.description) + "\n";
      }
      if (auto note = CommandNotes().find(c.name); note != CommandNotes().end()) {
        out += ".IP\n" + Roff(note->second) + "\n";
      }
      for (const OptionHelp& o : OptionsHelp(c)) {
        out += ".RS\n.TP\n.B " + Roff(o.usage) + "\n" + Roff(o.help) + "\n.RE\n";
      }
    }
  }
  return out;
}

}  // namespace

std::string ManPage() {
  std::string out =
      fmt::format(".TH CAIRN 1 \"\" \"Cairn {}\" \"Cairn Manual\"\n", CAIRN_CLI_VERSION);
  out += R"(.SH NAME
cairn \- checkpoints and domains of virtual machines, with virsh's commands
.SH SYNOPSIS
.B cairn
[\fIOPTION\fR]... [\fICOMMAND_STRING\fR]
.br
.B cairn
[\fIOPTION\fR]... \fICOMMAND\fR [\fIARG\fR]...
.SH DESCRIPTION
cairn manages checkpoints (the points in time from which incremental backups start) and
the domains they belong to, through Cairn's library. Its commands, options, output and
error messages are those of
.BR virsh (1)
(libvirt 9.0), so that anyone who knows virsh can use it and scripts written for virsh's
checkpoint commands print the same.
.PP
With one argument, cairn runs it as a command string: several commands separated by
\fB;\fR or newlines, words quoted with \fB'\fR or \fB"\fR, \fB\e\fR escaping the next
character, a word starting with \fB#\fR commenting out the rest of the line. With several
arguments, they are one command and its words, as the shell split them. All commands of
one invocation share one connection. Without a command and with a terminal on stdin,
cairn starts an interactive shell with line editing, history and tab completion of
commands, options, domain names and checkpoint names; with stdin not a terminal it reads
commands from it, one line at a time.
.PP
A command's options may be given by name (\fB\-\-name value\fR or \fB\-\-name=value\fR) or,
for those shown as \fB[\-\-name]\fR or \fB<name>\fR in the synopsis and the string options,
by position in the order listed. \fB\-\-\fR ends option parsing. \fB\-\-help\fR after any
command shows its help. Unless \fB\-q\fR is given, every command's output is followed by an
empty line, as in virsh; errors go to stderr as \fBerror: \fR\fImessage\fR.
.SH OPTIONS
.TP
\fB\-c\fR, \fB\-\-connect\fR=\fIURI\fR
Connect to \fIURI\fR before running anything (test:///default, qemu:///session,
qemu:///system, qemu:///embed?root=DIR). Without it, the first command that needs a
connection opens $CAIRN_DEFAULT_URI, else qemu:///session.
.TP
\fB\-r\fR, \fB\-\-readonly\fR
Open the connection read-only: commands that change anything fail.
.TP
\fB\-q\fR, \fB\-\-quiet\fR
Quiet mode: no confirmation messages, table headers or empty lines after commands.
.TP
\fB\-h\fR, \fB\-\-help\fR
Print the options and the list of commands.
.TP
\fB\-v\fR, \fB\-\-version\fR[=\fBshort\fR|\fBlong\fR], \fB\-V\fR
Print the version (\fB\-V\fR and \fB\-\-version=long\fR: with the compiled-in drivers).
)";
  out += CommandsSection();
  out += R"(.SH EXIT STATUS
0 if the last command run succeeded, 1 if it failed or the options or the connection URI
were wrong.
.SH ENVIRONMENT
.TP
.B CAIRN_DEFAULT_URI
The connection URI when \fB\-c\fR is not given.
.TP
.BR VISUAL ", " EDITOR
The editor of \fBcheckpoint\-edit\fR (default vi).
.TP
.B TMPDIR
Where \fBcheckpoint\-edit\fR keeps the file being edited (default /tmp).
.TP
.BR XDG_CACHE_HOME ", " CAIRN_HISTSIZE
The interactive shell keeps its history in $XDG_CACHE_HOME/cairn/history (default
~/.cache/cairn/history), at most $CAIRN_HISTSIZE lines (default 500).
.SH DIFFERENCES FROM VIRSH
Only the commands listed above exist; in particular there are no snapshot commands, and
\fBsnapshot\-create\-as\fR and its kind fail as unknown commands.
There is no \fBcheckpoint\-current\fR: Cairn has no "current" checkpoint.
When one command of a command string cannot be parsed (unknown command or option, missing
argument), virsh runs none of them; cairn reports that command as failed, prints its
empty line and goes on with the next.
Commands read from a stdin that is not a terminal are run without virsh's banner and
prompts.
An \fB\-\-xpath\fR expression that is not valid, or does not select nodes, is an error.
The virsh options \fB\-d\fR, \fB\-e\fR, \fB\-k\fR, \fB\-K\fR, \fB\-l\fR and \fB\-t\fR are
not supported.
.SH EXAMPLES
.nf
cairn \-c test:///default "checkpoint\-create\-as test c1; checkpoint\-list test"
cairn \-c test:///default checkpoint\-create\-as \-\-domain test \-\-name c2 \e
      \-\-description "before the upgrade" \-\-diskspec vda,bitmap=c2
cairn \-c qemu:///session checkpoint\-list vm1 \-\-tree
cairn \-c qemu:///session checkpoint\-dumpxml vm1 c2 \-\-no\-domain \-\-size
.fi
.SH SEE ALSO
.BR virsh (1)
)";
  return out;
}

}  // namespace cairn::cli
