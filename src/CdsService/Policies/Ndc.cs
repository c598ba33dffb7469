namespace CdsService.Policies;

/// <summary>
/// National Drug Codes arrive as 10-digit 4-4-2 / 5-3-2 / 5-4-1 with hyphens, as the 11-digit 5-4-2 billing
/// form with or without hyphens, and as bare 10 digits. Two NDCs are the same product package when their
/// 11-digit forms are equal; a bare 10-digit code is ambiguous and is compared with a listed code's unhyphenated form
/// (<see cref="Terminology.CodeSet"/>).
/// </summary>
internal static class Ndc
{
    public static string? ToEleven(string? ndc)
    {
        if (string.IsNullOrWhiteSpace(ndc))
        {
            return null;
        }

        var parts = ndc.Trim().Split('-');
        if (parts.Length == 3 && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit)))
        {
            return parts[0].PadLeft(5, '0') + parts[1].PadLeft(4, '0') + parts[2].PadLeft(2, '0');
        }

        return parts.Length == 1 && parts[0].Length == 11 && parts[0].All(char.IsAsciiDigit) ? parts[0] : null;
    }

    /// <summary>
    /// The 9-digit labeler+product prefix of the 11-digit form for a two-segment product NDC (4-4, 5-3, 5-4), else null.
    /// </summary>
    public static string? ToProduct(string? ndc)
    {
        var parts = ndc?.Trim().Split('-');
        return parts is { Length: 2 } && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit)) && parts[0].Length <= 5 && parts[1].Length <= 4
            ? parts[0].PadLeft(5, '0') + parts[1].PadLeft(4, '0')
            : null;
    }
}
