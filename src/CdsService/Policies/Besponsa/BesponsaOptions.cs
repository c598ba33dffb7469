using System.ComponentModel.DataAnnotations;

namespace CdsService.Policies.Besponsa;

/// <summary>Configuration section <c>Policies:Besponsa</c>.</summary>
internal sealed class BesponsaOptions
{
    public const string SectionName = "Policies:Besponsa";

    /// <summary>How many days before the order date a liver test still counts as a baseline.</summary>
    [Range(1, 365)]
    public int BaselineLabWindowDays { get; set; } = 30;
}
