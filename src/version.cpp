// The library's own version, so that a shared libcairn always has one symbol of its own.
namespace cairn {
extern const char kVersion[] = "0.1.0";
}  // namespace cairn
