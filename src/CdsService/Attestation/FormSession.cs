using System.Text.Json;
using System.Text.Json.Serialization;

namespace CdsService.Attestation;

/// <summary>
/// What a hook call showed about one order, kept behind an attestation link (never in it): the patient and the FHIR
/// server to write to, who signed, how each criterion stood with its evidence described, and the one-time form token.
/// It never holds the EHR's access token: when the call carried one, <see cref="ServerNeedsToken"/> says a write cannot
/// be made later, and the form offers the response for download instead.
/// </summary>
internal sealed record FormSession(
    string PolicyId,
    string PatientId,
    string? Author,
    string? FhirServer,
    bool ServerNeedsToken,
    string OrderName,
    string Nonce,
    IReadOnlyList<SessionCriterion> Criteria)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static FormSession? FromBytes(byte[] bytes) => JsonSerializer.Deserialize<FormSession>(bytes, Json);
}

/// <summary>A criterion as the card showed it: its status literal and its evidence described for a person.</summary>
internal sealed record SessionCriterion(string Id, string Status, IReadOnlyList<string> Evidence);
