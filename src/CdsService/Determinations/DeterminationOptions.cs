namespace CdsService.Determinations;

/// <summary>Configuration section <c>Determinations</c>: pre-emptive prior authorizations (CRD unsolicited determinations).</summary>
internal sealed class DeterminationOptions
{
    public const string SectionName = "Determinations";

    /// <summary>
    /// Whether a fully documented order is approved on the spot. A payer decision, off unless switched on
    /// (appsettings.Development.json switches it on for local testing).
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>Prefix of minted authorization numbers, e.g. <c>PA</c> gives <c>PA-7K3M9QX2B4TDWZ8R6N5H</c>.</summary>
    public string NumberPrefix { get; set; } = "PA";

    /// <summary>How long the hook waits to store a determination before answering without it.</summary>
    public TimeSpan StoreTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
