using System.Text;
using System.Text.Json;

namespace CdsService.Fhir;

/// <summary>
/// Which Bundle entries to build and how much of each: <see cref="Keep"/> says whether an entry's resource is worth
/// parsing at all, <see cref="UnreadElements"/> names top-level elements (of any resource type) that nothing reads,
/// left out of a kept resource before Firely builds it. Both run on the raw JSON, so skipped data costs a scan only.
/// </summary>
internal sealed record EntrySelection(Func<JsonElement, bool> Keep, IReadOnlySet<string> UnreadElements)
{
    private readonly byte[][] _unreadUtf8 = [.. UnreadElements.Select(Encoding.UTF8.GetBytes)];

    /// <summary>True when the member is one of <see cref="UnreadElements"/>; compares UTF-8, allocating nothing.</summary>
    public bool IsUnread(JsonProperty member)
    {
        foreach (var name in _unreadUtf8)
        {
            if (member.NameEquals(name))
            {
                return true;
            }
        }

        return false;
    }
}
