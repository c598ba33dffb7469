using Hl7.Fhir.Model;

namespace CdsService.Fhir;

internal static class FhirDates
{
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

        if (TryInstant(value, out var instant))
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

        if (value.Length >= 10 && DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", out var day))
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

    // Firely converts with DateTimeOffset arithmetic, which overflows at the ends of the calendar (0001 with a
    // positive offset, 9999-12-31T23:59 with a negative one); such a value is treated like one without a time.
    private static bool TryInstant(string value, out DateTimeOffset instant)
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
}
