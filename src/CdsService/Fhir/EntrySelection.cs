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

    // The names grouped by their UTF-8 length: a member is compared with the few names of its own length, byte for
    // byte, instead of with every name through NameEquals (which, over some 40 names, every member of every kept
    // resource, was 3 % of a large request's CPU).
    private readonly byte[][][] _byLength;

    public ElementNames(IEnumerable<string> names)
    {
        Names = new HashSet<string>(names, StringComparer.Ordinal);
        _utf8 = [.. Names.Select(Encoding.UTF8.GetBytes)];
        var longest = _utf8.Length == 0 ? -1 : _utf8.Max(n => n.Length);
        _byLength = [.. Enumerable.Range(0, longest + 1).Select(length => _utf8.Where(n => n.Length == length).ToArray())];
    }

    public IReadOnlySet<string> Names { get; }

    public int Count => _utf8.Length;

    public bool Contains(JsonProperty member)
    {
        var name = JsonInput.NameUtf8(member);
        if (name.Length >= _byLength.Length)
        {
            return false;
        }

        foreach (var candidate in _byLength[name.Length])
        {
            if (name.SequenceEqual(candidate))
            {
                return true;
            }
        }

        return false;
    }
}
