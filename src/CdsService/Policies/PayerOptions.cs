using System.ComponentModel.DataAnnotations;

namespace CdsService.Policies;

/// <summary>Configuration section <c>Payer</c>: who is answering, shown on every card.</summary>
internal sealed class PayerOptions
{
    public const string SectionName = "Payer";

    /// <summary>The insurer's name, used as <c>card.source.label</c> (CRD §resp-4).</summary>
    [Required]
    public string Name { get; set; } = "FEP Blue (Federal Employee Program)";

    /// <summary>
    /// Base of the canonical URLs of the payer's FHIR artifacts (the DTR questionnaires). It identifies, it does not
    /// have to resolve: the questionnaire itself is served at <c>GET /fhir/Questionnaire/{id}</c>.
    /// </summary>
    [Required]
    public string CanonicalBase { get; set; } = "http://payer.example.org/fhir";

    /// <summary>Optional absolute URL of each policy's document, by policy id; defaults to this service's <c>/policies/{id}</c>.</summary>
    public Dictionary<string, Uri> PolicyUrls { get; set; } = [];
}
