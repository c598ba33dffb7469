using System.Text.Json;
using System.Text.Json.Serialization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CdsService.CdsHooks;

/// <summary>
/// The one set of JSON options for CDS Hooks bodies. Built once: Firely's converter factory reflects over the
/// whole R4 model the first time it is used, which must not happen per request.
/// </summary>
internal static class CdsJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // CDS Hooks: optional members without a value are omitted, never null.
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

            // A draft order is echoed back (the CRD system action), so whatever depth the request may have
            // (Fhir.JsonInput.MaxDepth) must be writable below the response's own nesting.
            MaxDepth = 2 * Fhir.JsonInput.MaxDepth,
        }.ForFhir(ModelInfo.ModelInspector);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
