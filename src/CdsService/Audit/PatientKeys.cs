using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace CdsService.Audit;

/// <summary>
/// The pseudonymous patient key of the audit trail and of determinations: HMAC-SHA256 over the FHIR server and the
/// patient id, so the same patient on the same EHR always gets the same key, and the key reveals neither without the
/// secret. Development without a configured secret uses a fixed, published one (fine for a laptop, never for PHI).
/// </summary>
internal sealed class PatientKeys(IOptions<AuditOptions> options)
{
    private const string DevelopmentSecret = "development-only-patient-key-secret-not-for-production";

    private readonly byte[] _secret = Encoding.UTF8.GetBytes(options.Value.PatientKeySecret is { Length: > 0 } s ? s : DevelopmentSecret);

    public string? For(Uri? fhirServer, string? patientId)
    {
        if (string.IsNullOrEmpty(patientId))
        {
            return null;
        }

        // The separator cannot occur in a URL, so ("a", "bc") and ("ab", "c") never collide.
        var input = Encoding.UTF8.GetBytes($"{fhirServer?.AbsoluteUri.TrimEnd('/')}\n{patientId}");
        return Convert.ToHexStringLower(HMACSHA256.HashData(_secret, input));
    }
}
