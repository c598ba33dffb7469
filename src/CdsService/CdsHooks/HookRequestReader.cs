using System.Text.Json;
using CdsService.Fhir;
using Hl7.Fhir.Model;

namespace CdsService.CdsHooks;

/// <summary>
/// Turns a request body into a <see cref="HookRequest"/>: checks the CDS Hooks envelope field by field so that a
/// 400 names the exact problem, then parses each embedded FHIR resource once with the Firely SDK.
/// Unknown members and <c>extension</c> are ignored, as CDS Hooks and CRD require.
/// </summary>
internal sealed class HookRequestReader(FhirJsonReader fhir)
{
    public HookRequest Read(ReadOnlyMemory<byte> body, HookDefinition hook)
    {
        using var document = ParseJson(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw CdsRequestException.BadRequest("The request body must be a JSON object.");
        }

        var hookName = RequiredString(root, "hook");
        var hookInstance = RequiredString(root, "hookInstance");
        if (hookName != hook.Name)
        {
            throw CdsRequestException.BadRequest($"This service answers the '{hook.Name}' hook, not '{hookName}'.");
        }

        var issues = new List<FhirParseIssue>();
        var fhirServer = ReadFhirServer(root);
        var authorization = ReadAuthorization(root);
        if (authorization is not null && fhirServer is null)
        {
            throw CdsRequestException.BadRequest("'fhirAuthorization' requires 'fhirServer' (CDS Hooks invariant cds-r-1).");
        }

        var context = ReadContext(root, hook, issues);
        var prefetch = ReadPrefetch(root, issues);
        return new HookRequest(hookName, hookInstance, fhirServer, authorization, context, prefetch, issues)
        {
            Extensions = ReadExtensions(root),
        };
    }

    private static JsonDocument ParseJson(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException e)
        {
            throw CdsRequestException.BadRequest($"The request body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine}).");
        }
    }

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

    private HookContext ReadContext(JsonElement root, HookDefinition hook, List<FhirParseIssue> issues)
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

            var resource = ReadResource(value, path, issues);
            if (resource.TypeName != resourceType)
            {
                throw CdsRequestException.BadRequest($"Field '{path}' must be a FHIR {resourceType}, not {resource.TypeName}.");
            }

            resources[name] = resource;
        }

        return new HookContext(fields, resources);
    }

    private Dictionary<string, PrefetchValue> ReadPrefetch(JsonElement root, List<FhirParseIssue> issues)
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

        foreach (var entry in value.EnumerateObject())
        {
            prefetch[entry.Name] = entry.Value.ValueKind == JsonValueKind.Null
                ? new PrefetchValue.NoData()
                : ReadResource(entry.Value, $"prefetch.{entry.Name}", issues, dropBadEntries: true) switch
                {
                    OperationOutcome outcome => new PrefetchValue.Failed(outcome),
                    var resource => new PrefetchValue.Data(resource),
                };
        }

        return prefetch;
    }

    private Resource ReadResource(JsonElement value, string path, List<FhirParseIssue> issues, bool dropBadEntries = false)
    {
        try
        {
            var result = fhir.Read(value, dropBadEntries);
            issues.AddRange(result.Issues.Select(i => i with { Path = $"{path}: {i.Path}" }));
            return result.Resource;
        }
        catch (FhirParseException e)
        {
            throw CdsRequestException.BadRequest($"Field '{path}' {e.Message}");
        }
    }
}
