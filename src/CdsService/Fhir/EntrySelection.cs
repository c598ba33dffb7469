using System.Text;
using System.Text.Json;

namespace CdsService.Fhir;

/// <summary>
/// Which Bundle entries to build and how much of each: <see cref="Keep"/> says whether an entry's resource is worth
/// parsing at all, <see cref="UnreadElements"/> names top-level elements (of any resource type) that nothing reads,
/// left out of a kept resource before Firely builds it. Both run on the raw JSON, so skipped data costs a scan only.
/// </summary>
internal sealed record EntrySelection(Func<JsonElement, bool> Keep, ElementNames UnreadElements);

/// <summary>A fixed set of JSON member names, matched on the raw UTF-8 without allocating. Build once, share.</summary>
internal sealed class ElementNames
{
    private readonly byte[][] _utf8;

    public ElementNames(IEnumerable<string> names)
    {
        Names = new HashSet<string>(names, StringComparer.Ordinal);
        _utf8 = [.. Names.Select(Encoding.UTF8.GetBytes)];
    }

    public IReadOnlySet<string> Names { get; }

    public int Count => _utf8.Length;

    public bool Contains(JsonProperty member)
    {
        foreach (var name in _utf8)
        {
            if (member.NameEquals(name))
            {
                return true;
            }
        }

        return false;
    }
}
