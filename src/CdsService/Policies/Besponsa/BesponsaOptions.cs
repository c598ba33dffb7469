using System.ComponentModel.DataAnnotations;

namespace CdsService.Policies.Besponsa;

/// <summary>Configuration section <c>Policies:Besponsa</c>.</summary>
internal sealed class BesponsaOptions
{
    public const string SectionName = "Policies:Besponsa";

    /// <summary>How many days before the order date a liver test still counts as a baseline.</summary>
    [Range(1, 365)]
    public int BaselineLabWindowDays { get; set; } = 30;

    /// <summary>
    /// Refractory ALL is persistent disease after a completed induction course: multi-agent induction chemotherapy
    /// whose first dose is at least this many days before the order. Default 28: standard ALL induction courses last
    /// four weeks (pediatric-inspired induction days 1-29, two 21-day hyper-CVAD cycles counted from day 1) and
    /// response is assessed at their end; before then, persistent disease is ongoing induction, not refractoriness.
    /// </summary>
    [Range(14, 120)]
    public int InductionCourseDays { get; set; } = 28;

    /// <summary>
    /// BCR-ABL1 FISH positivity cut-off, in % of nuclei scored: above it the fusion is present. Default 1 %, the normal
    /// cut-off of interphase BCR-ABL1 FISH assays (../shared/docs/terminology.md §11); set it to your lab's validated value.
    /// </summary>
    [Range(typeof(decimal), "0", "100")]
    public decimal FishPositivityCutoffPercent { get; set; } = 1m;

    /// <summary>
    /// CD22 positivity: at least this % of blasts CD22-positive. Default 5 %, Aetna CPB 0919's definition of
    /// CD22-positive for Besponsa (../shared/docs/terminology.md §1).
    /// </summary>
    [Range(typeof(decimal), "0", "100")]
    public decimal Cd22PositivityPercent { get; set; } = 5m;
}
