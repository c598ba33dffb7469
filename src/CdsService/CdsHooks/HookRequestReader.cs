using System.Text.Json;
using CdsService.Fhir;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;

namespace CdsService.CdsHooks;

/// <summary>
/// Turns a request body into a <see cref="HookRequest"/>: checks the CDS Hooks envelope field by field so that a
/// 400 names the exact problem, then parses each embedded FHIR resource once with the Firely SDK.
/// Unknown members and <c>extension</c> are ignored, as CDS Hooks and CRD require.
/// </summary>
/// <remarks>
/// Every cost is bounded before Firely builds anything: the body's size (<see cref="RequestBody"/>), its strings and
/// keys (<see cref="JsonInput"/>), then the counts of draft orders, Bundle entries and record resources, each against
/// a <see cref="CdsOptions"/> limit answered with 413. Prefetch entries the policy cannot read are skipped unparsed.
/// </remarks>
internal sealed class HookRequestReader(FhirJsonReader fhir, IOptions<CdsOptions> options)
{
    public HookRequest Read(ReadOnlyMemory<byte> body, HookDefinition hook) => Read(body, hook, null, CancellationToken.None);

    /// <param name="body">The request body.</param>
    /// <param name="hook">The hook the called service answers.</param>
    /// <param name="prefetchFilter">
    /// Given the parsed context, which prefetch Bundle entries to parse and which of their elements to leave out
    /// (neither can matter to the policy); null parses everything.
    /// </param>
    /// <param name="cancellationToken">The client hanging up or the request timeout: checked between resources.</param>
    public HookRequest Read(
        ReadOnlyMemory<byte> body,
        HookDefinition hook,
        Func<HookContext, EntrySelection?>? prefetchFilter,
        CancellationToken cancellationToken)
    {
        using var document = ParseJson(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw CdsRequestException.BadRequest("The request body must be a JSON object.");
        }

        RefuseDuplicateKeys(root, hook);

        var hookName = RequiredString(root, "hook");
        var hookInstance = RequiredString(root, "hookInstance");
        if (hookName != hook.Name)
        {
            throw CdsRequestException.BadRequest($"This service answers the '{hook.Name}' hook, not '{hookName}'.");
        }

        var issues = new ParseIssues();
        var fhirServer = ReadFhirServer(root);
        var authorization = ReadAuthorization(root);
        if (authorization is not null && fhirServer is null)
        {
            throw CdsRequestException.BadRequest("'fhirAuthorization' requires 'fhirServer' (CDS Hooks invariant cds-r-1).");
        }

        var limits = options.Value;
        var read = new FhirReadOptions
        {
            MaxBundleEntries = limits.MaxBundleEntries,
            MaxBundleEntriesSetting = "Cds:MaxBundleEntries",
            CancellationToken = cancellationToken,
        };
        var context = ReadContext(root, hook, issues, read);
        var prefetch = ReadPrefetch(root, issues, read with { DropBadEntries = true, Selection = prefetchFilter?.Invoke(context) });
        return new HookRequest(hookName, hookInstance, fhirServer, authorization, context, prefetch, issues.Items)
        {
            Extensions = ReadExtensions(root),
            SuppressedParseIssues = issues.Suppressed,
        };
    }

    private static JsonDocument ParseJson(ReadOnlyMemory<byte> body)
    {
        try
        {
            // Duplicate keys are refused here in the envelope and by the FHIR reader in every resource it reads; the
            // prefetch entries the policy never reads are not worth checking (that check was a third of the parse).
            return JsonInput.Parse(body, DuplicateKeys.LeftToReader);
        }
        catch (JsonInputException e)
        {
            throw CdsRequestException.BadRequest($"The request body {e.Message}.");
        }
    }

    /// <summary>
    /// A key twice anywhere in the envelope (the hook's fields, fhirAuthorization, extension and its CRD
    /// configuration, the prefetch keys): RFC 8259 leaves its meaning open, and a decision must not rest on a guess.
    /// The FHIR resources in context and prefetch are left to <see cref="FhirJsonReader"/>.
    /// </summary>
    private static void RefuseDuplicateKeys(JsonElement root, HookDefinition hook)
    {
        var found = JsonInput.DuplicateIn(root);
        foreach (var member in root.EnumerateObject())
        {
            if (found is not null)
            {
                break;
            }

            found = member.NameEquals("context"u8) && member.Value.ValueKind == JsonValueKind.Object
                ? ContextDuplicate(member.Value, hook)
                : JsonInput.FindDuplicateKey(member.Value, member.Name, deep: !member.NameEquals("prefetch"u8));
        }

        if (found is not null)
        {
            throw CdsRequestException.BadRequest($"The request body has a duplicate key at '{found}'; each key may appear once per object.");
        }
    }

    private static string? ContextDuplicate(JsonElement context, HookDefinition hook)
    {
        if (JsonInput.DuplicateIn(context) is { } name)
        {
            return $"context.{name}";
        }

        foreach (var field in context.EnumerateObject())
        {
            if (!hook.ResourceFields.ContainsKey(field.Name)
                && JsonInput.FindDuplicateKey(field.Value, $"context.{field.Name}", deep: true) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static CdsRequestException TooMuch(string what, int count, int limit, string setting) => new(
        StatusCodes.Status413PayloadTooLarge,
        "Request content too large",
        $"{what} holds {count} items, more than the {limit} this service processes ({setting}).");

    private static string RequiredString(JsonElement obj, string name, string? path = null)
    {
        var label = path ?? name;
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw CdsRequestException.BadRequest($"Required field '{label}' is missing.");
        }

        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw CdsRequestException.BadRequest($"Field '{label}' must be a non-empty string.");
        }

        return value.GetString()!;
    }

    private static Uri? ReadFhirServer(JsonElement root)
    {
        if (!root.TryGetProperty("fhirServer", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String
            && Uri.TryCreate(value.GetString(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return uri;
        }

        throw CdsRequestException.BadRequest("Field 'fhirServer' must be an absolute http or https URL.");
    }

    private static FhirAuthorization? ReadAuthorization(JsonElement root)
    {
        if (!root.TryGetProperty("fhirAuthorization", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw CdsRequestException.BadRequest("Field 'fhirAuthorization' must be an object.");
        }

        return new FhirAuthorization(
            OptionalString(value, "access_token"),
            OptionalString(value, "token_type"),
            OptionalString(value, "scope"),
            OptionalString(value, "subject"),
            OptionalString(value, "patient"));
    }

    // Extensions are opaque to the protocol layer; a malformed one is ignored rather than failing the call.
    private static Dictionary<string, JsonElement> ReadExtensions(JsonElement root) =>
        root.TryGetProperty("extension", out var extension) && extension.ValueKind == JsonValueKind.Object
            ? extension.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal)
            : [];

    private static string? OptionalString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private HookContext ReadContext(JsonElement root, HookDefinition hook, ParseIssues issues, FhirReadOptions read)
    {
        if (!root.TryGetProperty("context", out var context) || context.ValueKind == JsonValueKind.Null)
        {
            throw CdsRequestException.BadRequest("Required field 'context' is missing.");
        }

        if (context.ValueKind != JsonValueKind.Object)
        {
            throw CdsRequestException.BadRequest("Field 'context' must be an object.");
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var resources = new Dictionary<string, Resource>(StringComparer.Ordinal);
        foreach (var required in hook.RequiredFields)
        {
            if (!hook.ResourceFields.ContainsKey(required))
            {
                fields[required] = RequiredString(context, required, $"context.{required}");
            }
        }

        foreach (var property in context.EnumerateObject())
        {
            if (hook.ResourceFields.ContainsKey(property.Name))
            {
                continue;
            }

            // Only root-level primitives can be prefetch tokens (CDS Hooks §Prefetch tokens); others are ignored.
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                fields.TryAdd(property.Name, property.Value.GetString()!);
            }
        }

        foreach (var (name, resourceType) in hook.ResourceFields)
        {
            var path = $"context.{name}";
            if (!context.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (hook.RequiredFields.Contains(name))
                {
                    throw CdsRequestException.BadRequest($"Required field '{path}' is missing.");
                }

                continue;
            }

            if (name == "draftOrders" && EntryCount(value) is var orders && orders > options.Value.MaxDraftOrders)
            {
                throw TooMuch($"'{path}'", orders, options.Value.MaxDraftOrders, "Cds:MaxDraftOrders");
            }

            var resource = ReadResource(value, path, issues, read);
            if (resource.TypeName != resourceType)
            {
                throw CdsRequestException.BadRequest($"Field '{path}' must be a FHIR {resourceType}, not {resource.TypeName}.");
            }

            resources[name] = resource;
        }

        return new HookContext(fields, resources);
    }

    private static int EntryCount(JsonElement resource) =>
        resource.ValueKind == JsonValueKind.Object && resource.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array
            ? entries.GetArrayLength()
            : 1;

    private Dictionary<string, PrefetchValue> ReadPrefetch(JsonElement root, ParseIssues issues, FhirReadOptions read)
    {
        var prefetch = new Dictionary<string, PrefetchValue>(StringComparer.Ordinal);
        if (!root.TryGetProperty("prefetch", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return prefetch;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw CdsRequestException.BadRequest("Field 'prefetch' must be an object.");
        }

        // Counted before anything is parsed, so an oversized record costs a scan, not a parse.
        var resources = value.EnumerateObject().Sum(entry => entry.Value.ValueKind == JsonValueKind.Null ? 0 : EntryCount(entry.Value));
        if (resources > options.Value.MaxRecordResources)
        {
            throw TooMuch("'prefetch'", resources, options.Value.MaxRecordResources, "Cds:MaxRecordResources");
        }

        foreach (var entry in value.EnumerateObject())
        {
            prefetch[entry.Name] = entry.Value.ValueKind == JsonValueKind.Null
                ? new PrefetchValue.NoData()
                : ReadResource(entry.Value, $"prefetch.{entry.Name}", issues, read) switch
                {
                    OperationOutcome outcome => new PrefetchValue.Failed(outcome),
                    var resource => new PrefetchValue.Data(resource),
                };
        }

        return prefetch;
    }

    private Resource ReadResource(JsonElement value, string path, ParseIssues issues, FhirReadOptions read)
    {
        try
        {
            var result = fhir.Read(value, read);
            issues.Add(result, path);
            return result.Resource;
        }
        catch (FhirLimitException e)
        {
            throw new CdsRequestException(StatusCodes.Status413PayloadTooLarge, "Request content too large", $"Field '{path}' {e.Message} ({e.Setting}).");
        }
        catch (FhirParseException e)
        {
            throw CdsRequestException.BadRequest($"Field '{path}' {e.Message}");
        }
    }

    /// <summary>Every tolerated issue of the request, up to a bound; the rest are counted.</summary>
    private sealed class ParseIssues
    {
        private const int Max = 100;

        public List<FhirParseIssue> Items { get; } = [];

        public int Suppressed { get; private set; }

        public void Add(FhirParseResult result, string path)
        {
            Suppressed += result.SuppressedIssues;
            foreach (var issue in result.Issues)
            {
                if (Items.Count < Max)
                {
                    Items.Add(issue with { Path = $"{path}: {issue.Path}" });
                }
                else
                {
                    Suppressed++;
                }
            }
        }
    }
}
