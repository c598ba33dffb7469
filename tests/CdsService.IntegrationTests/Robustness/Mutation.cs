using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CdsService.IntegrationTests.Robustness;

/// <summary>
/// Structural mutations of a JSON document, chosen by index so a failing case is reproducible: the JSON-level ones
/// (drop, null, retype, wrap, empty) and the ones that once got a 5xx (issue 10): an unpaired surrogate or invalid
/// UTF-8 in a string or key, a duplicate key, an abstract resourceType, dates at the ends of the calendar, a bare
/// choice name, deep nesting. Shared by the CI property test and tools/fuzz.
/// </summary>
internal static partial class Mutation
{
    public const int Kinds = 16;

    // Markers that JsonNode can hold and ToBytes turns into what JsonNode cannot: bad Unicode and duplicate keys.
    private const string LoneSurrogate = "\u0001LONE\u0001";
    private const string InvalidUtf8 = "\u0001BADUTF8\u0001";
    private const string DuplicatePrefix = "\u0002DUP:";

    private static readonly string[] EdgeDates = ["0000", "9999-12", "9999-12-31", "0001", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"];

    public static JsonNode Apply(JsonNode root, int nodeSeed, int kind)
    {
        var nodes = Descendants(root).ToList();
        var target = nodes[nodeSeed % nodes.Count];
        if (target.Parent is null)
        {
            return root;
        }

        switch (kind)
        {
            case 9:
                Replace(target, JsonValue.Create(nodeSeed % 2 == 0 ? LoneSurrogate : InvalidUtf8));
                return root;
            case 10 when target.Parent is JsonObject parent:
                // The same key once more, or a key that is bad Unicode.
                parent[nodeSeed % 2 == 0 ? DuplicatePrefix + target.GetPropertyName() + "\u0002" : LoneSurrogate] = target.DeepClone();
                return root;
            case 11 when target is JsonObject resource:
                resource["resourceType"] = nodeSeed % 2 == 0 ? "Resource" : "DomainResource";
                return root;
            case 12:
                Replace(target, JsonValue.Create(EdgeDates[nodeSeed % EdgeDates.Length]));
                return root;
            case 13:
                var deep = target.DeepClone();
                for (var i = 0; i < 40 + (nodeSeed % 40); i++)
                {
                    deep = i % 2 == 0 ? new JsonArray(deep) : new JsonObject { ["x"] = deep };
                }

                Replace(target, deep);
                return root;
            case 14 when target.Parent is JsonObject parent && ChoiceName().Match(target.GetPropertyName()) is { Success: true } choice:
                parent.Remove(target.GetPropertyName());
                parent[choice.Groups[1].Value] = target;
                return root;
            case 15:
                // A null entry flood, small enough for CI: repair must stay linear.
                Replace(target, new JsonArray([.. Enumerable.Range(0, 2000).Select(_ => (JsonNode?)null)]));
                return root;
        }

        JsonNode? replacement = kind switch
        {
            1 => null,
            2 => JsonValue.Create(""),
            3 => JsonValue.Create(12345),
            4 => new JsonObject(),
            5 => new JsonArray(),
            6 => new JsonArray(target.DeepClone()),
            7 => JsonValue.Create("\u0001 \u00e9 Patient/../x"),
            8 => JsonValue.Create(true),
            _ => target,
        };

        if (kind == 0)
        {
            Remove(target);
        }
        else if (!ReferenceEquals(replacement, target))
        {
            Replace(target, replacement);
        }

        return root;
    }

    /// <summary>The document as UTF-8, with the markers turned into the bytes they stand for.</summary>
    public static byte[] ToBytes(JsonNode root)
    {
        var text = root.ToJsonString();
        text = text.Replace(Escaped(LoneSurrogate), "\\ud800", StringComparison.Ordinal);
        text = DuplicateKey().Replace(text, m => "\"" + m.Groups[1].Value + "\"");
        var bytes = Encoding.UTF8.GetBytes(text);
        var marker = Encoding.UTF8.GetBytes(Escaped(InvalidUtf8));
        var output = new List<byte>(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes.AsSpan(i).StartsWith(marker))
            {
                output.Add(0xC3);
                output.Add(0x28);
                i += marker.Length - 1;
            }
            else
            {
                output.Add(bytes[i]);
            }
        }

        return [.. output];
    }

    private static string Escaped(string marker) => new JsonArray(marker).ToJsonString()[2..^2];

    [GeneratedRegex("\"\\\\u0002DUP:([^\"\\\\]*)\\\\u0002\"")]
    private static partial Regex DuplicateKey();

    [GeneratedRegex("^([a-z][a-zA-Z]*?)(CodeableConcept|Reference|DateTime|Period|Quantity|String|Boolean|Integer|Date|Age|Range|Ratio|Attachment)$")]
    private static partial Regex ChoiceName();

    private static void Replace(JsonNode target, JsonNode? replacement)
    {
        switch (target.Parent)
        {
            case JsonObject parent:
                parent[target.GetPropertyName()] = replacement;
                break;
            case JsonArray array:
                array[target.GetElementIndex()] = replacement;
                break;
        }
    }

    private static void Remove(JsonNode target)
    {
        switch (target.Parent)
        {
            case JsonObject parent:
                parent.Remove(target.GetPropertyName());
                break;
            case JsonArray array:
                array.RemoveAt(target.GetElementIndex());
                break;
        }
    }

    public static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        IEnumerable<JsonNode?> children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>())
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }
}
