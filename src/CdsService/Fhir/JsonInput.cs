using System.Buffers;
using System.Text;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace CdsService.Fhir;

/// <summary>
/// Parses untrusted JSON (a request body, a FHIR server's response) so that nothing read from it later can throw:
/// duplicate keys are refused (RFC 8259 leaves their meaning open, and a payer decision must not rest on a guess), and
/// every string and key is checked to be valid UTF-8 that decodes to valid UTF-16 (no lone <c>\ud800</c>), which
/// <see cref="JsonElement.GetString"/> and Firely would otherwise throw on deep inside the service.
/// </summary>
internal static class JsonInput
{
    public const int MaxDepth = 128;

    private static readonly JsonDocumentOptions Everywhere = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };
    private static readonly JsonDocumentOptions LeftToReader = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = true };

    /// <summary>The parsed document; a <see cref="JsonInputException"/> says what is wrong and where.</summary>
    /// <param name="utf8">The JSON.</param>
    /// <param name="duplicates">
    /// Who refuses a duplicate key. <see cref="DuplicateKeys.Refused"/>: this parse, anywhere in the document.
    /// <see cref="DuplicateKeys.LeftToReader"/>: the caller, only in what it reads; for bodies that are mostly FHIR
    /// resources, most of which are never read (<see cref="FhirJsonReader"/> refuses them in what it parses, with
    /// <see cref="FindDuplicateKey"/> for the rest). Checking the whole body cost a third of its parse.
    /// </param>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, DuplicateKeys duplicates = DuplicateKeys.Refused)
    {
        // Text first: the duplicate-key check itself decodes keys, and would throw on an unpaired surrogate.
        string? invalidText;
        try
        {
            invalidText = FindInvalidText(utf8.Span);
        }
        catch (JsonException)
        {
            // Not JSON at all; the parse below says where.
            invalidText = null;
        }

        if (invalidText is { } path)
        {
            throw new JsonInputException($"has a string or key that is not valid Unicode (invalid UTF-8 or an unpaired surrogate) at '{path}'");
        }

        try
        {
            return JsonDocument.Parse(utf8, duplicates == DuplicateKeys.Refused ? Everywhere : LeftToReader);
        }
        catch (JsonException e) when (e.Message.StartsWith("Duplicate property", StringComparison.Ordinal))
        {
            throw new JsonInputException($"has a duplicate key (line {e.LineNumber + 1}, byte {e.BytePositionInLine}); each key may appear once per object");
        }
        catch (JsonException e)
        {
            throw new JsonInputException($"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine})");
        }

    }

    /// <summary>
    /// A member's name as unescaped UTF-8, to compare byte for byte: its raw bytes as sent, decoded only when they hold
    /// an escape (<c>"\u0063ode"</c> is <c>code</c>), which nobody sends, so that case may allocate.
    /// </summary>
    public static ReadOnlySpan<byte> NameUtf8(JsonProperty member)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(member);
        return raw.IndexOf((byte)'\\') < 0 ? raw : Encoding.UTF8.GetBytes(member.Name);
    }

    /// <summary>
    /// The path below <paramref name="path"/> of the first key that appears twice in one object, or null; with
    /// <paramref name="deep"/>, in nested objects and arrays too. Keys are compared as decoded text, as the parser does
    /// (<c>"a"</c> and <c>"\u0061"</c> are the same key).
    /// </summary>
    public static string? FindDuplicateKey(JsonElement element, string path, bool deep) =>
        FindBelow(element, deep) is { } below ? path + below : null;

    // The path below the element of the first repeated key, built only on the way back from a hit: building every
    // child's path on the way down cost (key length x items), which a long key over many items made minutes. Linear.
    private static string? FindBelow(JsonElement element, bool deep)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (DuplicateIn(element) is { } name)
                {
                    return "." + name;
                }

                if (deep)
                {
                    foreach (var member in element.EnumerateObject())
                    {
                        if (member.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && FindBelow(member.Value, deep) is { } found)
                        {
                            return "." + member.Name + found;
                        }
                    }
                }

                return null;
            case JsonValueKind.Array when deep:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array && FindBelow(item, deep) is { } found)
                    {
                        return $"[{index}]{found}";
                    }

                    index++;
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// True when some object at or below <paramref name="element"/> has the key <paramref name="name"/> twice. Linear;
    /// for the one duplicate Firely does not report (a second <c>resourceType</c>, in a contained resource say).
    /// </summary>
    public static bool RepeatsKeyAnywhere(JsonElement element, ReadOnlySpan<byte> name)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = 0;
                foreach (var member in element.EnumerateObject())
                {
                    if ((member.NameEquals(name) && ++seen > 1) || RepeatsKeyAnywhere(member.Value, name))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (RepeatsKeyAnywhere(item, name))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>
    /// A key of this object (not its children) that appears twice, or null. Small objects (a Bundle entry, a resource's
    /// top level) are compared pairwise on their raw bytes, allocating nothing; an escaped key is decoded first.
    /// </summary>
    public static string? DuplicateIn(JsonElement obj)
    {
        var count = 0;
        var escaped = false;
        foreach (var member in obj.EnumerateObject())
        {
            count++;
            escaped |= JsonMarshal.GetRawUtf8PropertyName(member).IndexOf((byte)'\\') >= 0;
        }

        if (count < 2)
        {
            return null;
        }

        if (escaped || count > 16)
        {
            var seen = new HashSet<string>(count, StringComparer.Ordinal);
            foreach (var member in obj.EnumerateObject())
            {
                if (!seen.Add(member.Name))
                {
                    return member.Name;
                }
            }

            return null;
        }

        var i = 0;
        foreach (var member in obj.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(member);
            var j = 0;
            foreach (var earlier in obj.EnumerateObject())
            {
                if (j++ == i)
                {
                    break;
                }

                if (name.SequenceEqual(JsonMarshal.GetRawUtf8PropertyName(earlier)))
                {
                    return member.Name;
                }
            }

            i++;
        }

        return null;
    }

    /// <summary>
    /// The path (<c>context.draftOrders.entry[0].resource.id</c>) of the first string or key that is not valid Unicode,
    /// or null. One forward pass; names are only decoded when there is something to report.
    /// </summary>
    internal static string? FindInvalidText(ReadOnlySpan<byte> utf8)
    {
        // Almost every body is valid UTF-8 with no escaped surrogate at all, which two vectorised scans prove in a
        // fraction of the token walk's time (0.02 ms against 0.4 ms on the 163 KB bench body); only a suspect body is walked.
        if (!MayHoldInvalidText(utf8))
        {
            return null;
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        var frames = new Frame[MaxDepth + 1];
        var depth = 0;
        byte[]? scratch = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        frames[depth].NameStart = (int)reader.TokenStartIndex;
                        frames[depth].NameLength = reader.ValueSpan.Length + 2;
                        if (!IsValid(ref reader, ref scratch))
                        {
                            return PathOf(utf8, frames, depth, includeName: true);
                        }

                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        depth--;
                        continue;
                }

                // A value: it is the next item of an enclosing array.
                if (depth > 0 && frames[depth].IsArray)
                {
                    frames[depth].Index++;
                }

                if (reader.TokenType == JsonTokenType.String && !IsValid(ref reader, ref scratch))
                {
                    return PathOf(utf8, frames, depth, includeName: true);
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    depth++;
                    frames[depth] = new Frame { IsArray = reader.TokenType == JsonTokenType.StartArray, Index = -1, NameStart = -1 };
                }
            }

            return null;
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>
    /// False only when no string or key can be invalid: the bytes are valid UTF-8 and no <c>\u</c> escape names a
    /// surrogate (D800–DFFF). Conservative: a valid surrogate pair, or <c>\\u</c> (an escaped backslash), says "maybe".
    /// </summary>
    private static bool MayHoldInvalidText(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            return true;
        }

        for (var rest = utf8; ;)
        {
            var escape = rest.IndexOf("\\u"u8);
            if (escape < 0 || escape + 3 >= rest.Length)
            {
                return escape >= 0;
            }

            if ((rest[escape + 2] | 0x20) == 'd' && (rest[escape + 3] | 0x20) is (byte)'8' or (byte)'9' or (>= (byte)'a' and <= (byte)'f'))
            {
                return true;
            }

            rest = rest[(escape + 2)..];
        }
    }

    private static bool IsValid(ref Utf8JsonReader reader, ref byte[]? scratch)
    {
        if (!reader.ValueIsEscaped)
        {
            return Utf8.IsValid(reader.ValueSpan);
        }

        if (scratch is null || scratch.Length < reader.ValueSpan.Length)
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            scratch = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        }

        try
        {
            // Unescaping is where an unpaired \ud800 is found; the unescaped bytes must still be valid UTF-8.
            var length = reader.CopyString(scratch);
            return Utf8.IsValid(scratch.AsSpan(0, length));
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string PathOf(ReadOnlySpan<byte> utf8, Frame[] frames, int depth, bool includeName)
    {
        var path = new StringBuilder();
        for (var i = 1; i <= depth; i++)
        {
            var frame = frames[i];
            if (frame.IsArray)
            {
                path.Append('[').Append(frame.Index).Append(']');
            }
            else if (frame.NameStart >= 0 && (i < depth || includeName))
            {
                if (path.Length > 0)
                {
                    path.Append('.');
                }

                // The raw (still escaped) key, with invalid bytes shown as U+FFFD: never throws.
                path.Append(Encoding.UTF8.GetString(utf8.Slice(frame.NameStart + 1, frame.NameLength - 2)));
            }
        }

        return path.Length == 0 ? "(root)" : path.ToString();
    }

    private struct Frame
    {
        public bool IsArray;
        public int Index;
        public int NameStart;
        public int NameLength;
    }
}

/// <summary>Who refuses a duplicate key: the parse, everywhere, or the reader, in what it reads (<see cref="JsonInput.Parse"/>).</summary>
internal enum DuplicateKeys
{
    Refused,
    LeftToReader,
}

/// <summary>JSON that cannot be read safely; the message completes "The request body …" or "The response …".</summary>
internal sealed class JsonInputException(string problem) : Exception(problem);
