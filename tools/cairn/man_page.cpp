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
       "--size adds to each disk size='BYTES': the bytes its bitmap marks as changed since "
       "the checkpoint, asked of the running QEMU or, for a shut-off domain, of a read-only "
       "qemu-storage-daemon on the images; a disk whose bitmap is missing or inconsistent "
       "gets no size; the test driver adds nothing, as libvirt's. --xpath prints only the nodes the "
       "expression selects, each on its own "
       "line, or with --wrap under one <nodes> element."},
      {"checkpoint-edit",
       "Opens the checkpoint's XML in $VISUAL, else $EDITOR, else vi, and redefines the "
       "checkpoint from the result. The name cannot be changed. When the redefinition fails "
       "on a terminal, cairn offers to edit again (y), give up (n) or retry as is (f)."},
      {"checkpoint-info", "Prints Name, Domain, Parent (- for a root), Children and Descendants."},
      {"checkpoint-list",
       "Lists by name (case-insensitively) unless --topological, which puts every parent "
       "before its children and lists roots and children most recently created or "
       "redefined first, as libvirt does. --parent, --roots and --tree are mutually exclusive, as are "
       "--tree and --name, --roots and --from; --leaves and --no-leaves cannot be used with "
       "--tree; --descendants needs --from. --from lists the children of a checkpoint (all "
       "its descendants with --descendants), without the checkpoint itself unless --tree. "
       "On a connection that may not write (-r, or no write access to the state root), a "
       "checkpoint change left unfinished by a killed cairn is reported on stderr; the list "
       "shows the checkpoints as its repair will leave them, and the next command that may "
       "write performs that repair."},
      {"backup-begin",
       "On the qemu driver a shut-off domain can be backed up too (libvirt refuses): a "
       "qemu-storage-daemon serves its images for the job's life, with the same XML, job "
       "statistics and end, and quits when the job ends. Until then the domain cannot be "
       "started or undefined; domjobinfo and domjobabort work on it as on a running domain. "
       "--wait stays until the job ends; on a terminal it shows virsh's progress bar with "
       "the bytes copied, the rate and the time left, and for a job of several disks a line "
       "per disk under it; Ctrl-C aborts the job."},
      {"start",
       "Refused on the qemu driver while a backup job reads the shut-off domain's disks. "
       "On the qemu driver, each checkpoint whose bitmap can no longer serve an incremental "
       "backup (left in-use by a QEMU that was killed, or added while it ran and never "
       "written to the image) is named on stderr with its disk and the way out: delete the "
       "checkpoint and take a full backup."},
      {"checkpoint-parent", "Fails for a checkpoint without a parent."},
      {"undefine",
       "On the test driver a running domain becomes transient. The qemu driver keeps no "
       "transient domains and refuses to undefine a running one (destroy it first). An "
       "inactive domain whose backup job still runs, or that still has checkpoint metadata, is "
       "refused, the latter unless "
       "--checkpoints-metadata is given, which discards that metadata (the bitmaps stay in "
       "the disk images); undefine removes ROOT/domains/NAME.xml and "
       "ROOT/checkpoints/NAME/."},
      {"shutdown",
       "Asks the guest to power off and returns. --mode takes acpi|agent|initctl|signal|"
       "paravirt, several comma-separated. The qemu driver asks the guest agent (qemu-ga "
       "guest-shutdown) or presses the ACPI power button (QMP system_powerdown; the guest "
       "decides), by libvirt's rules: agent uses only the agent (refused without an agent "
       "channel, or for a paused guest); without --mode the agent when the domain has a "
       "channel, falling back to ACPI; acpi,agent the agent first. The test driver powers "
       "off at once and accepts no mode, as libvirt's."},
      {"reboot",
       "On the test driver the domain keeps running (a paused one resumes). The qemu driver "
       "reboots through the guest agent (guest-shutdown mode reboot), with shutdown's mode "
       "rules; ACPI reboot is refused naming --mode agent: libvirt's daemon resets the "
       "guest when it powers off, and no Cairn process stays to do that."},
      {"suspend", "Stops the vCPUs (QMP stop); the domain is paused until resume."},
      {"domfsfreeze",
       "Freezes the guest's filesystems (all, or the mount points given) through the guest "
       "agent (qemu-ga guest-fsfreeze-freeze / -freeze-list), as a backup tool does just "
       "before a checkpoint; prints how many were frozen. Refused without an agent channel "
       "or for a paused guest. The test driver's guest has / and /boot."},
      {"domfsthaw",
       "Thaws what domfsfreeze froze (guest-fsfreeze-thaw); prints how many were thawed. As "
       "libvirt's qemu driver, mount points are refused there: the agent thaws everything."},
      {"resume",
       "Continues the vCPUs (QMP cont). A domain held paused by a backup begun with "
       "--preserve-domain-on-shutdown after its guest shut down cannot continue: resume "
       "refuses, and QEMU completes the shutdown when the backup job ends."},
      {"domid", "Prints - for a domain that is not running."},
      {"domstate",
       "Cairn does not record why a domain is in its state; --reason prints "
       "\"unknown\"."},
      {"version",
       "The library lines name cairn and its version, not libvirt. The running hypervisor "
       "is the QEMU binary the qemu driver starts (qemu-system-x86_64 --version, asked "
       "once); the test driver reports 0.0.2, as libvirt's."},
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
      // virsh's own help lines for some commands already end in a period.
      const bool ends_sentence = !c.help.empty() && c.help.back() == '.';
      out += ".TP\n.B " + Roff(Synopsis(c)) + "\n" + Roff(c.help) + (ends_sentence ? "\n" : ".\n");
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
Connect to \fIURI\fR before running anything: test:///default; qemu:///embed?root=DIR
(the qemu driver in this process); qemu:///session (the user's own cairnd, started on the
first connection, gone when idle); qemu:///system (the system cairnd, /run/cairn/cairn\-sock);
qemu+unix:///system?socket=PATH (cairnd or libvirtd listening on PATH). Without it, the
first command that needs a connection opens $CAIRN_DEFAULT_URI, else qemu:///session.
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
As in virsh, a command string (or one line of the shell or of stdin) is parsed whole
first: when one of its commands cannot be parsed (unknown command or option, an option
given twice, extra data, a missing value or required option), only that error is printed
and none of them runs.
After the error line for an unknown domain or checkpoint name, cairn adds a line
"hint: did you mean 'NAME'?" when an existing name is close.
\fBdominfo\fR prints the driver's security model: on the qemu driver libvirt's "none"
model (DOI 0, no label): Cairn confines no guest itself.
Error and warning lines show at most 1024 bytes of a message, and control characters in
it as \exNN.
The qemu driver refuses at \fBdefine\fR every part of a domain definition it does not
honour (\fIunsupported configuration: <X> is not supported by Cairn's qemu driver\fR):
it honours name, uuid, title, description, metadata, memory, currentMemory, vcpu
(static), os (x86_64 hvm: type machine, kernel, initrd, cmdline, boot dev='hd'), features
acpi, apic and pae, clock offset='utc', on_poweroff destroy, on_reboot restart or destroy,
and as devices: emulator; disk (file or block; disk or cdrom; driver qemu, raw or qcow2,
discard unmap or ignore; bus virtio, ide or sata; readonly; boot order); serial and
console (unix, pipe, file or null); the guest agent channel (unix,
org.qemu.guest_agent.0); memballoon model='none'. Names of domains and checkpoints are
at most 239 bytes. XML may not carry a DTD, exceed 16 MiB, or mix text and elements.
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
.PP
A full push backup into a new qcow2 file, creating checkpoint c1 at the same instant; then
an incremental one of what changed since c1, watched and, if need be, aborted:
.nf
cat >full.xml <<END
<domainbackup mode='push'>
  <disks><disk name='vda' type='file'><target file='/backup/vda.full.qcow2'/>
    <driver type='qcow2'/></disk></disks>
</domainbackup>
END
echo "<domaincheckpoint><name>c1</name></domaincheckpoint>" >c1.xml
cairn \-c qemu:///session backup\-begin vm1 full.xml c1.xml
cairn \-c qemu:///session domjobinfo vm1
cairn \-c qemu:///session domjobinfo vm1 \-\-completed
sed 's|<disks>|<incremental>c1</incremental><disks>|; s|full|inc1|' full.xml >inc1.xml
cairn \-c qemu:///session backup\-begin vm1 inc1.xml
cairn \-c qemu:///session domjobabort vm1
.fi
.PP
A pull backup: QEMU exports the point-in-time view of vda over NBD until the job ends:
.nf
cat >pull.xml <<END
<domainbackup mode='pull'>
  <server transport='unix' socket='/run/vm1\-backup.sock'/>
  <disks><disk name='vda' type='file'><scratch file='/backup/vda.scratch'/></disk></disks>
</domainbackup>
END
cairn \-c qemu:///session backup\-begin vm1 pull.xml
cairn \-c qemu:///session backup\-dumpxml vm1
qemu\-img convert \-O qcow2 'nbd+unix:///vda?socket=/run/vm1\-backup.sock' /backup/vda.qcow2
cairn \-c qemu:///session domjobabort vm1
.fi
.SH FILES
The qemu driver keeps all its state under one root: ROOT is the path of
qemu:///embed?root=ROOT, or $XDG_STATE_HOME/cairn (default ~/.local/state/cairn) for
the session cairnd of qemu:///session (its socket is $XDG_RUNTIME_DIR/cairn/cairn\-sock), or
/var/lib/cairn for the system cairnd of qemu:///system.
.TP
.B ROOT/domains/NAME.xml
The persistent definition of domain NAME.
.TP
.B ROOT/checkpoints/NAME/CP.xml
The metadata of checkpoint CP of NAME (CP.journal while a change to it runs); the bitmaps
themselves live in the qcow2 images.
.TP
.B ROOT/run/NAME/
Live state while NAME runs: pid, id, qmp.sock (QMP monitor), qga.sock (guest agent),
qemu.log, backup.xml (the running backup job) and backup-completed.xml (ended jobs);
qsd.pid and qsd-qmp.sock while a qemu\-storage\-daemon serves a shut-off NAME's backup.
.TP
.B ROOT/locks/NAME.lock
The lock that lets one cairn process at a time change NAME.
.SH SEE ALSO
.BR virsh (1)
)";
  return out;
}

}  // namespace cairn::cli
