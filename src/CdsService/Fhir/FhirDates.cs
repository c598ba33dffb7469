using System.Globalization;
using Hl7.Fhir.Model;

namespace CdsService.Fhir;

internal static class FhirDates
{
    // The full dateTime a clinical system writes (seconds, an optional fraction of up to 7 digits, Z or an offset):
    // read by the BCL instead of Firely, whose regex-based parse was a third of the policy's and the record's CPU.
    private static readonly string[] FullDateTime =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>
    /// A FHIR date or dateTime as an instant. Dates without a time (and partial dates) take their first moment, in UTC:
    /// Firely only converts values that carry a time zone.
    /// </summary>
    public static DateTimeOffset? Parse(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!IsDateOnly(value) && TryInstant(value, out var instant))
        {
            return instant;
        }

        return Bounds(value) is { } day ? new DateTimeOffset(day.Earliest.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;
    }

    /// <summary>
    /// The earliest and latest calendar days a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) can stand for.
    /// </summary>
    public static (DateOnly Earliest, DateOnly Latest)? Bounds(string? value)
    {
        // FHIR allows the year 0000, which .NET cannot represent: it is refused as unusable rather than thrown on.
        if (value is null || value.Length < 4 || !int.TryParse(value.AsSpan(0, 4), out var year) || year is < 1 or > 9999)
        {
            return null;
        }

        if (value.Length >= 10 && DateOnly.TryParseExact(value.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return (day, day);
        }

        if (value.Length >= 7 && int.TryParse(value.AsSpan(5, 2), out var month) && month is >= 1 and <= 12)
        {
            var first = new DateOnly(year, month, 1);
            return (first, new DateOnly(year, month, DateTime.DaysInMonth(year, month))); // no AddMonths: 9999-12 must not overflow
        }

        return (new DateOnly(year, 1, 1), new DateOnly(year, 12, 31));
    }

    /// <summary>The instant Firely reads in a dateTime that carries a time zone; false for anything else.</summary>
    internal static bool TryInstant(string value, out DateTimeOffset instant) =>
        TryFullDateTime(value, out instant) || TryInstantWithFirely(value, out instant);

    // Firely converts with DateTimeOffset arithmetic, which overflows at the ends of the calendar (0001 with a
    // positive offset, 9999-12-31T23:59 with a negative one); such a value is treated like one without a time.
    internal static bool TryInstantWithFirely(string value, out DateTimeOffset instant)
    {
        try
        {
            return new FhirDateTime(value).TryToDateTimeOffset(out instant);
        }
        catch (ArgumentOutOfRangeException)
        {
            instant = default;
            return false;
        }
    }

    /// <summary>
    /// True only for the exact shape <c>YYYY-MM-DDThh:mm:ss[.f{1,7}](Z|±hh:mm)</c> with every field in range: the
    /// values on which the BCL and Firely agree. Anything else (a leap second, 8 or 9 fraction digits, no zone, an
    /// instant the calendar cannot hold) is left to Firely, so this only ever makes the same answer cheaper.
    /// </summary>
    private static bool TryFullDateTime(string value, out DateTimeOffset instant)
    {
        instant = default;
        var s = value.AsSpan();
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':'
            || !Digits(s[..4]) || !Digits(s.Slice(5, 2)) || !Digits(s.Slice(8, 2))
            || !Digits(s.Slice(11, 2)) || !Digits(s.Slice(14, 2)) || !Digits(s.Slice(17, 2)))
        {
            return false;
        }

        var rest = s[19..];
        if (rest[0] == '.')
        {
            var digits = 1;
            while (digits < rest.Length && char.IsAsciiDigit(rest[digits]))
            {
                digits++;
            }

            if (digits is 1 or > 8)
            {
                return false;
            }

            rest = rest[digits..];
        }

        var zoned = rest is ['Z'] || (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':' && Digits(rest.Slice(1, 2)) && Digits(rest.Slice(4, 2)));
        return zoned
            && DateTimeOffset.TryParseExact(value, FullDateTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out instant);
    }

    private static bool IsDateOnly(string value) =>
        value.Length is 4 or 7 or 10
        && Digits(value.AsSpan(0, 4))
        && (value.Length == 4 || (value[4] == '-' && Digits(value.AsSpan(5, 2))
            && (value.Length == 7 || (value[7] == '-' && Digits(value.AsSpan(8, 2))))));

    private static bool Digits(ReadOnlySpan<char> s) => !s.ContainsAnyExceptInRange('0', '9');
}
