using System.ComponentModel.DataAnnotations;

namespace CdsService.Attestation;

/// <summary>Section <c>Attestation</c>: the prescriber attestation form behind the cards' links.</summary>
internal sealed class AttestationOptions
{
    public const string SectionName = "Attestation";

    /// <summary>How long a form link (and the state behind it) lives; one submit uses it up sooner.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(30);
}
