using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace CdsService.Fhir;

/// <summary>
/// Parses FHIR R4 JSON with the Firely SDK, tolerating the slightly invalid FHIR that real clients send where the
/// meaning is clear. Every tolerated problem is reported as a <see cref="FhirParseIssue"/> (code and path, never the
/// value, which may be PHI) so callers can log it.
/// </summary>
/// <remarks>
/// A Bundle is read entry by entry: its entries are counted before anything is built (<see cref="FhirReadOptions.MaxBundleEntries"/>),
/// an entry the caller has no use for is skipped before Firely sees it, and so are the elements nobody reads of the
/// entries kept (<see cref="FhirReadOptions.Selection"/>), one
/// unreadable entry can be dropped alone, and cancellation is checked between entries, so a hang-up or a deadline
/// stops the work within one resource.
/// </remarks>
internal sealed class FhirJsonReader
{
    // Syntax errors Firely reports itself (the model checks are FhirValueCheck's) that leave nothing safe to read, and
    // a duplicate key (JSON129): Firely keeps the first value, other readers the last, and a decision must not rest
    // on which. The body's parse leaves duplicates to this reader (DuplicateKeys.LeftToReader), so this is where
    // every duplicate in a resource that is read is refused.
    public const string DuplicateKeyCode = "JSON129";
    private static readonly HashSet<string> Poisoned = ["JSON131", "JSON132", DuplicateKeyCode];

    private static readonly JsonReaderOptions FirelyReaderOptions = new() { MaxDepth = JsonInput.MaxDepth };
    private static readonly JsonDocumentOptions ShellOptions = new() { MaxDepth = JsonInput.MaxDepth };

    // One deserializer (and so one settings object and one model inspector) for the whole process: it is thread-safe.
    // Its model validator is off: FhirValueCheck does, in one walk, the part of it that keeps typed reads from throwing.
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings { Validator = null });

    public const string DroppedCode = "DROPPED-ENTRY";

    private const int MaxKeptBuffer = 256 * 1024;

    // The buffer a resource is copied into without its unread elements (see Without): one per thread, as reads are
    // synchronous, so the copy allocates nothing in the steady state.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? pruned;

    /// <param name="element">The JSON of one resource.</param>
    /// <param name="dropBadEntries">
    /// For searchset Bundles (prefetch): drop an entry whose values cannot be read instead of refusing the Bundle,
    /// so one malformed historical record does not cost the whole decision.
    /// </param>
    public FhirParseResult Read(JsonElement element, bool dropBadEntries = false) =>
        Read(element, new FhirReadOptions { DropBadEntries = dropBadEntries });

    public FhirParseResult Read(JsonElement element, FhirReadOptions options) => Read(element, options, unread: null);

    private FhirParseResult Read(JsonElement element, FhirReadOptions options, ElementNames? unread)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FhirParseException("is not a FHIR resource (expected a JSON object)");
        }

        var issues = new IssueList(options.MaxIssues);
        var resource = IsBundleWithEntries(element, out var entries)
            ? ReadBundle(element, entries, options, issues)
            : ReadOne(element, issues, unread);
        return new FhirParseResult(resource, issues.Items) { SuppressedIssues = issues.Suppressed };
    }

    private static bool IsBundleWithEntries(JsonElement element, out JsonElement entries)
    {
        entries = default;
        return element.TryGetProperty("resourceType", out var type)
            && type.ValueKind == JsonValueKind.String
            && type.ValueEquals("Bundle"u8)
            && element.TryGetProperty("entry", out entries)
            && entries.ValueKind == JsonValueKind.Array;
    }

    private Bundle ReadBundle(JsonElement element, JsonElement entries, FhirReadOptions options, IssueList issues)
    {
        var count = entries.GetArrayLength();
        if (count > options.MaxBundleEntries)
        {
            throw new FhirLimitException($"has {count} Bundle entries, more than the {options.MaxBundleEntries} allowed", options.MaxBundleEntriesSetting);
        }

        // The Bundle without its entries (type, links, total): built directly when it holds only a known type and a
        // total, as nearly every prefetch and draft-orders Bundle does; through the usual path otherwise. The entries
        // one by one.
        var bundle = PlainShell(element) ?? ReadShell(element, issues);
        var entryOptions = options with { Selection = null };
        var unread = options.Selection is { UnreadElements.Count: > 0 } selected ? selected.UnreadElements : null;
        var index = -1;
        foreach (var entry in entries.EnumerateArray())
        {
            index++;
            options.CancellationToken.ThrowIfCancellationRequested();
            if (entry.ValueKind == JsonValueKind.Null)
            {
                issues.Add(new FhirParseIssue(ShapeRepair.RepairedCode, "Bundle.entry"));
                continue;
            }

            if (entry.ValueKind != JsonValueKind.Object)
            {
                BadEntry(EntryPath(index), "is not a JSON object", "JSON131", options, issues);
                continue;
            }

            if (JsonInput.DuplicateIn(entry) is not null)
            {
                // Two "resource" keys, say: which one is the entry's cannot be known.
                BadEntry(EntryPath(index), $"has a duplicate key ({DuplicateKeyCode})", DuplicateKeyCode, options, issues);
                continue;
            }

            if (!entry.TryGetProperty("resource", out var resourceJson) || resourceJson.ValueKind == JsonValueKind.Null)
            {
                // Nothing the service reads: fullUrl, search and request/response mean nothing without the resource.
                continue;
            }

            if (options.Selection is { } selection && resourceJson.ValueKind == JsonValueKind.Object && !selection.Keep(resourceJson))
            {
                continue;
            }

            try
            {
                var child = Read(resourceJson, entryOptions, unread);
                if (child.Issues.Count > 0)
                {
                    var resourcePath = $"{EntryPath(index)}.resource";
                    foreach (var issue in child.Issues)
                    {
                        issues.Add(issue with { Path = resourcePath + Tail(issue.Path) });
                    }
                }

                issues.Suppress(child.SuppressedIssues);
                bundle.Entry.Add(new Bundle.EntryComponent { Resource = child.Resource });
            }
            catch (FhirParseException e) when (e is not NotR4Exception and not FhirLimitException)
            {
                BadEntry($"{EntryPath(index)}.resource", e.Message, e.Code, options, issues);
            }
        }

        return bundle;
    }

    /// <summary>
    /// The Bundle's own elements when they are only <c>type</c> (a code Firely's model accepts, compared exactly as
    /// the value check does) and optionally <c>total</c> (an integer from 0 that fits 32 bits), each once: what Firely
    /// would build from them, without writing, parsing and checking a shell document (a sixth of a small request's
    /// parse). Null for anything else, which <see cref="ReadShell"/> reads and judges.
    /// </summary>
    private static Bundle? PlainShell(JsonElement element)
    {
        Bundle.BundleType? type = null;
        int? total = null;
        var types = 0;
        var entries = 0;
        foreach (var member in element.EnumerateObject())
        {
            if (member.NameEquals("resourceType"u8) && ++types == 1)
            {
                continue;
            }

            if (member.NameEquals("entry"u8) && ++entries == 1)
            {
                continue;
            }

            if (member.NameEquals("type"u8) && type is null && member.Value.ValueKind == JsonValueKind.String
                && EnumUtility.ParseLiteral<Bundle.BundleType>(member.Value.GetString()) is { } literal)
            {
                type = literal;
                continue;
            }

            if (member.NameEquals("total"u8) && total is null && member.Value.ValueKind == JsonValueKind.Number
                && member.Value.TryGetInt32(out var count) && count >= 0)
            {
                total = count;
                continue;
            }

            return null;
        }

        // No type at all (R4 requires one) goes through Firely too, which reports it, as it did before this path.
        return type is null ? null : new Bundle { Type = type, Total = total };
    }

    private static Bundle ReadShell(JsonElement element, IssueList issues)
    {
        var shell = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(shell))
        {
            writer.WriteStartObject();
            var entryArrays = 0;
            foreach (var member in element.EnumerateObject())
            {
                if (!member.NameEquals("entry"u8))
                {
                    // Any other key twice reaches Firely in the shell, which reports it.
                    member.WriteTo(writer);
                }
                else if (++entryArrays > 1)
                {
                    throw new FhirParseException($"is not valid FHIR R4: the Bundle has two 'entry' keys ({DuplicateKeyCode})", DuplicateKeyCode);
                }
            }

            writer.WriteEndObject();
        }

        using var shellDocument = JsonDocument.Parse(shell.WrittenMemory, ShellOptions);
        return ReadOne(shellDocument.RootElement, issues, unread: null) as Bundle
            ?? throw new FhirParseException("could not be read as a FHIR Bundle");
    }

    // Formatted only for an issue: most entries have none, and a 90-entry prefetch formatted 90 paths for nothing.
    private static string EntryPath(int index) => $"Bundle.entry[{index}]";

    private static string Tail(string path) => path.IndexOf('.') is var dot and >= 0 ? path[dot..] : "";

    private static void BadEntry(string path, string problem, string code, FhirReadOptions options, IssueList issues)
    {
        if (!options.DropBadEntries)
        {
            throw new FhirParseException($"{problem} (at {path})", code);
        }

        issues.Add(new FhirParseIssue(DroppedCode, $"{path} ({code})"));
    }

    private static Resource ReadOne(JsonElement element, IssueList tolerated, ElementNames? unread)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (MayRepeatResourceType(raw) && JsonInput.RepeatsKeyAnywhere(element, "resourceType"u8))
        {
            // The one duplicate Firely does not report: it takes the first type, silently, while the pre-filter and
            // repair read the last; at the top level or in a contained (or otherwise nested) resource.
            throw new FhirParseException($"is not valid FHIR R4: it or a resource inside it has two 'resourceType' keys ({DuplicateKeyCode})", DuplicateKeyCode);
        }

        var kept = Without(element, unread);
        Resource resource;
        IReadOnlyList<CodedException> issues;
        FhirValueCheck.Finding finding;
        try
        {
            (resource, issues, finding) = Deserialize(kept is null ? raw : kept.WrittenSpan);

            // Re-serialising is only paid for when the shape is wrong; valid input is parsed exactly once. A pruned
            // resource is repaired as pruned (leaving out top-level elements moves no other element's path), so junk
            // in an unread element cannot come back through the repair.
            if (finding.NeedsRepair)
            {
                var repaired = new ArrayBufferWriter<byte>(raw.Length + 64);
                if (kept is null)
                {
                    tolerated.AddRange(ShapeRepair.Repair(element, repaired));
                }
                else
                {
                    using var pruned = JsonDocument.Parse(kept.WrittenMemory, ShellOptions);
                    tolerated.AddRange(ShapeRepair.Repair(pruned.RootElement, repaired));
                }

                (resource, issues, finding) = Deserialize(repaired.WrittenSpan);
            }
        }
        finally
        {
            // The per-thread copy held chart data: zero it before the thread's next resource, whoever that is for,
            // also when this one turned out unreadable.
            kept?.Clear();
        }

        if (issues.FirstOrDefault(i => Poisoned.Contains(i.ErrorCode)) is { } first)
        {
            throw new FhirParseException($"is not valid FHIR R4: {first.Message.TrimEnd()} ({first.ErrorCode})", first.ErrorCode);
        }

        if (finding.WrongShape is { } shape)
        {
            throw new FhirParseException($"is not valid FHIR R4: {shape} has a shape R4 does not allow there, and it could not be repaired ({FhirValueCheck.WrongShapeCode})", FhirValueCheck.WrongShapeCode);
        }

        if (finding.NullInList is { } list)
        {
            throw new FhirParseException($"is not valid FHIR R4: {list} holds a null that could not be repaired ({FhirValueCheck.NullInListCode})", FhirValueCheck.NullInListCode);
        }

        if (finding.UnreadableCode is { } code)
        {
            // The path names the element, never its value (which may be PHI).
            throw new FhirParseException($"is not valid FHIR R4: {finding.UnreadablePath} holds a value of the wrong type or an unknown code ({code})", code);
        }

        tolerated.AddRange(issues.Select(ToIssue));
        tolerated.AddRange(finding.UnknownElements.Select(path => new FhirParseIssue(FhirValueCheck.UnknownElementCode, path)));
        tolerated.AddRange(finding.MisshapenElements.Select(path => new FhirParseIssue(FhirValueCheck.WrongShapeCode, path)));
        return resource;
    }

    /// <summary>
    /// The resource without its unread top-level elements, in a per-thread buffer valid until the next call on the
    /// thread; null when it has none of them (the usual case for lean data: no copy at all).
    /// </summary>
    private static ArrayBufferWriter<byte>? Without(JsonElement element, ElementNames? unread)
    {
        if (unread is null || !HasUnread(element, unread))
        {
            return null;
        }

        // Kept for the thread's next resource, unless one huge resource grew it: that one is left to the GC.
        var buffer = pruned is { Capacity: <= MaxKeptBuffer } reused ? reused : pruned = new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();

        // The kept members' bytes are copied as they are (key still escaped as sent, value verbatim): the same JSON
        // minus some members, already validated by the parse, at the cost of a copy instead of a token-by-token
        // rewrite through a Utf8JsonWriter (which was most of this step).
        Append(buffer, "{"u8);
        var first = true;
        foreach (var member in element.EnumerateObject())
        {
            if (unread.Contains(member))
            {
                continue;
            }

            Append(buffer, first ? "\""u8 : ",\""u8);
            Append(buffer, JsonMarshal.GetRawUtf8PropertyName(member));
            Append(buffer, "\":"u8);
            Append(buffer, JsonMarshal.GetRawUtf8Value(member.Value));
            first = false;
        }

        Append(buffer, "}"u8);
        return buffer;
    }

    private static void Append(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }

    /// <summary>
    /// False only when no object in the resource can hold <c>resourceType</c> twice: one <c>"resourceType"</c> in its
    /// bytes and no <c>\u</c> escape that could spell another. A vectorised scan; only the rest are walked.
    /// </summary>
    private static bool MayRepeatResourceType(ReadOnlySpan<byte> raw)
    {
        var first = raw.IndexOf("\"resourceType\""u8);
        return raw.IndexOf("\\u"u8) >= 0 || (first >= 0 && raw[(first + 1)..].IndexOf("\"resourceType\""u8) >= 0);
    }

    private static bool HasUnread(JsonElement element, ElementNames unread)
    {
        foreach (var member in element.EnumerateObject())
        {
            if (unread.Contains(member))
            {
                return true;
            }
        }

        return false;
    }

    private static (Resource Resource, IReadOnlyList<CodedException> Issues, FhirValueCheck.Finding Finding) Deserialize(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, FirelyReaderOptions);
        Resource? resource;
        IReadOnlyList<CodedException> issues;
        try
        {
            Deserializer.TryDeserializeResource(ref reader, out resource, out var reported);
            issues = reported as IReadOnlyList<CodedException> ?? [.. reported];
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException
                                      or InvalidCastException or NotSupportedException or OverflowException)
        {
            // Firely reports most problems as issues but throws on some shapes (a resourceType that is an array, an
            // abstract Resource or DomainResource); for untrusted input that is a malformed resource, not a failure.
            throw new FhirParseException($"could not be read as a FHIR resource ({e.GetType().Name})", e.GetType().Name);
        }

        if (resource is null)
        {
            throw new FhirParseException("could not be read as a FHIR resource");
        }

        var finding = FhirValueCheck.Inspect(resource);
        return finding.UnknownResourceType is { } unknown
            ? throw new NotR4Exception($"Encountered unknown resource type '{(unknown.Length > 64 ? unknown[..64] + "…" : unknown)}'")
            : (resource, issues, finding);
    }

    private static FhirParseIssue ToIssue(CodedException e) => new(e.ErrorCode, Path(e));

    private static string Path(CodedException e) => e switch
    {
        FhirJsonException j => j.InstancePath ?? "",
        Hl7.Fhir.Validation.CodedValidationException v => v.InstancePath ?? "",
        _ => "",
    };

    /// <summary>
    /// The issues of one read, at most <c>max</c> of them kept: 100,000 nulls must not become 100,000 objects and log
    /// lines. The rest are only counted.
    /// </summary>
    private sealed class IssueList(int max)
    {
        private readonly List<FhirParseIssue> _items = [];

        public IReadOnlyList<FhirParseIssue> Items => _items;

        public int Suppressed { get; private set; }

        public void Add(FhirParseIssue issue)
        {
            if (_items.Count < max)
            {
                _items.Add(issue);
            }
            else
            {
                Suppressed++;
            }
        }

        public void AddRange(IEnumerable<FhirParseIssue> issues)
        {
            foreach (var issue in issues)
            {
                Add(issue);
            }
        }

        public void Suppress(int count) => Suppressed += count;
    }
}

/// <summary>How to read one resource: what to do with bad or unneeded Bundle entries, limits and cancellation.</summary>
internal sealed record FhirReadOptions
{
    public bool DropBadEntries { get; init; }

    /// <summary>Which Bundle entries are parsed, and which of their elements are left out first; null: all of them.</summary>
    public EntrySelection? Selection { get; init; }

    public int MaxBundleEntries { get; init; } = int.MaxValue;

    /// <summary>The configuration key of <see cref="MaxBundleEntries"/>, named in the refusal.</summary>
    public string MaxBundleEntriesSetting { get; init; } = "";

    /// <summary>Tolerated issues kept per read; the rest are counted in <see cref="FhirParseResult.SuppressedIssues"/>.</summary>
    public int MaxIssues { get; init; } = 100;

    public CancellationToken CancellationToken { get; init; }
}

/// <summary>A parsed resource and the problems that were tolerated on the way.</summary>
internal sealed record FhirParseResult(Resource Resource, IReadOnlyList<FhirParseIssue> Issues)
{
    /// <summary>Tolerated issues beyond <see cref="FhirReadOptions.MaxIssues"/>: counted, not kept.</summary>
    public int SuppressedIssues { get; init; }
}

/// <summary>A tolerated problem: a Firely error code (or one of ours) and the element path.</summary>
internal sealed record FhirParseIssue(string Code, string Path);

internal class FhirParseException(string problem, string code = "") : Exception(problem)
{
    public string Code { get; } = code;
}

internal sealed class NotR4Exception(string firelyMessage)
    : FhirParseException($"is not FHIR R4 ({firelyMessage.TrimEnd()}); this service accepts FHIR R4 resources only", "PVAL130");

/// <summary>Valid FHIR that is more than this service agreed to process; <see cref="Setting"/> names the limit.</summary>
internal sealed class FhirLimitException(string problem, string setting) : FhirParseException(problem, "LIMIT")
{
    public string Setting { get; } = setting;
}
