// CompleteLine: a lenient replay of option binding to find what the next word can be.
#include "tools/cairn/completion.hpp"

#include <algorithm>

#include "tools/cairn/command_string.hpp"
#include "tools/cairn/command_table.hpp"
#include "tools/cairn/option_binding.hpp"

namespace cairn::cli {
namespace {

struct LineState {
  std::vector<std::string_view> given;        // options already given, by name or position
  const OptionDef* awaiting_value = nullptr;  // "--opt" typed, its value comes next
  const OptionDef* next_positional = nullptr;
  std::string domain;  // the value bound to "domain" so far
};

LineState Replay(const CommandDef& def, const CommandWords& words) {
  LineState st;
  std::vector<const OptionDef*> slots;
  for (const OptionDef& o : def.options) {
    if (o.kind != OptionKind::kBool && o.kind != OptionKind::kAlias && !o.named_only) {
      slots.push_back(&o);
    }
  }
  auto bind = [&](const OptionDef& o, const std::string& value) {
    st.given.push_back(o.name);
    if (o.kind != OptionKind::kArgv) std::erase(slots, &o);
    if (o.name == "domain") st.domain = value;
  };
  bool positional_only = false;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (!positional_only && w == "--") {
      positional_only = true;
    } else if (!positional_only && w.starts_with("--") && w.size() > 2) {
      std::string name = w.substr(2);
      std::size_t eq = name.find('=');
      const OptionDef* o = FindOption(def, name.substr(0, eq));
      if (o == nullptr) continue;
      if (o->kind == OptionKind::kBool) {
        bind(*o, "");
      } else if (eq != std::string::npos) {
        bind(*o, name.substr(eq + 1));
      } else if (i + 1 < words.size()) {
        bind(*o, words[++i]);
      } else {
        st.awaiting_value = o;
      }
    } else if (!slots.empty()) {
      bind(*slots.front(), w);
    }
  }
  st.next_positional = slots.empty() ? nullptr : slots.front();
  return st;
}

std::vector<std::string> CommandNames(bool with_groups) {
  std::vector<std::string> names;
  for (const CommandGroup& g : CommandGroups()) {
    if (with_groups) names.emplace_back(g.keyword);
    for (const CommandDef& c : g.commands) {
      if (!c.hidden) names.emplace_back(c.name);
    }
  }
  return names;
}

void AddValues(const OptionDef& o, const LineState& st, const CompletionSources& sources,
               Completions& out) {
  switch (o.completion) {
    case ValueCompletion::kDomain:
      if (sources.domains) std::ranges::copy(sources.domains(), std::back_inserter(out.words));
      break;
    case ValueCompletion::kCheckpoint:
      if (sources.checkpoints && !st.domain.empty()) {
        std::ranges::copy(sources.checkpoints(st.domain), std::back_inserter(out.words));
      }
      break;
    case ValueCompletion::kCommand:
      std::ranges::copy(CommandNames(true), std::back_inserter(out.words));
      break;
    case ValueCompletion::kFile:
      out.files = true;
      break;
    case ValueCompletion::kNone:
      break;
  }
}

}  // namespace

Completions CompleteLine(std::string_view line, const CompletionSources& sources) {
  PartialCommand partial = SplitPartialCommand(line);
  std::string typed;
  if (partial.in_word && !partial.words.empty()) {
    typed = partial.words.back();
    partial.words.pop_back();
  }
  Completions out;
  if (partial.words.empty()) {
    out.words = CommandNames(false);
  } else if (const CommandDef* def = FindCommand(partial.words.front())) {
    LineState st = Replay(*def, partial.words);
    if (st.awaiting_value != nullptr) {
      AddValues(*st.awaiting_value, st, sources, out);
    } else {
      if (st.next_positional != nullptr && !typed.starts_with("-")) {
        AddValues(*st.next_positional, st, sources, out);
      }
      // Options are offered when asked for with "-", or when no value is.
      if (typed.starts_with("-") || (typed.empty() && out.words.empty() && !out.files)) {
        for (const OptionDef& o : def->options) {
          if (o.kind == OptionKind::kAlias) continue;
          if (o.kind != OptionKind::kArgv &&
              std::ranges::find(st.given, o.name) != st.given.end()) {
            continue;
          }
          out.words.push_back("--" + std::string(o.name));
        }
      }
    }
  }
  std::erase_if(out.words, [&](const std::string& w) { return !w.starts_with(typed); });
  std::ranges::sort(out.words);
  out.words.erase(std::unique(out.words.begin(), out.words.end()), out.words.end());
  return out;
}

}  // namespace cairn::cli
