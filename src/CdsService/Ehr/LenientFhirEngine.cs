using System.Text.Json;
using CdsService.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CdsService.Ehr;

/// <summary>
/// The FhirClient's parser: JSON goes through the same <see cref="FhirJsonReader"/> as the prefetch, so a resource
/// is understood the same way whether the EHR prefetched it or the service fetched it. Tolerated problems are
/// collected (code and path only) for the caller to log. One instance per query: it is not thread-safe.
/// </summary>
internal sealed class LenientFhirEngine(FhirJsonReader reader) : IFhirSerializationEngine
{
    private static readonly IFhirSerializationEngine Firely = FhirSerializationEngineFactory.Recoverable(ModelInfo.ModelInspector);

    public List<FhirParseIssue> Issues { get; } = [];

    public Resource DeserializeFromJson(string data)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            // Search results get the prefetch's treatment: one unreadable entry costs that entry, not the section.
            var result = reader.Read(document.RootElement, dropBadEntries: true);
            Issues.AddRange(result.Issues);
            return result.Resource;
        }
        catch (JsonException e)
        {
            throw new FhirResponseException("The FHIR server's response is not valid JSON.", e);
        }
        catch (FhirParseException e)
        {
            throw new FhirResponseException($"The FHIR server's response {e.Message}", e);
        }
    }

    public Resource DeserializeFromXml(string data) =>
        Firely.DeserializeFromXml(data) ?? throw new FhirResponseException("The FHIR server's XML response holds no resource.");

    public string SerializeToJson(Resource instance) => Firely.SerializeToJson(instance);

    public string SerializeToXml(Resource instance) => Firely.SerializeToXml(instance);
}

/// <summary>A response body that is not usable FHIR; the section it was for is unavailable.</summary>
internal sealed class FhirResponseException(string message, Exception? inner = null) : Exception(message, inner);
