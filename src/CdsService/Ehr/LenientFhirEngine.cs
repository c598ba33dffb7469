using CdsService.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CdsService.Ehr;

/// <summary>
/// The FhirClient's parser: JSON goes through the same <see cref="FhirJsonReader"/> as the prefetch, so a resource
/// is understood the same way whether the EHR prefetched it or the service fetched it. Tolerated problems are
/// collected (code and path only) for the caller to log. One instance per query: it is not thread-safe.
/// The read options carry the hook deadline, so parsing a huge page stops when the deadline passes.
/// </summary>
internal sealed class LenientFhirEngine(FhirJsonReader reader, FhirReadOptions options) : IFhirSerializationEngine
{
    private const int MaxIssues = 100;

    private static readonly IFhirSerializationEngine Firely = FhirSerializationEngineFactory.Recoverable(ModelInfo.ModelInspector);

    public List<FhirParseIssue> Issues { get; } = [];

    public int SuppressedIssues { get; private set; }

    public Resource DeserializeFromJson(string data)
    {
        options.CancellationToken.ThrowIfCancellationRequested();
        try
        {
            // The whole response is FHIR, so the reader refuses a duplicate key in what it reads.
            using var document = JsonInput.Parse(System.Text.Encoding.UTF8.GetBytes(data), DuplicateKeys.LeftToReader);

            // Search results get the prefetch's treatment: one unreadable entry costs that entry, not the section.
            var result = reader.Read(document.RootElement, options with { DropBadEntries = true });
            var room = Math.Max(0, MaxIssues - Issues.Count);
            Issues.AddRange(result.Issues.Take(room));
            SuppressedIssues += result.SuppressedIssues + Math.Max(0, result.Issues.Count - room);
            return result.Resource;
        }
        catch (JsonInputException e)
        {
            throw new FhirResponseException($"The FHIR server's response {e.Message}.", e);
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
