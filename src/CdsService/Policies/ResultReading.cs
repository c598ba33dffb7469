using Hl7.Fhir.Model;

namespace CdsService.Policies;

internal enum Reading
{
    Positive,
    Negative,
    Unknown,
}

/// <summary>
/// Reads a laboratory result as the lab reported it, in this order:
/// <list type="number">
/// <item>no value but a <c>dataAbsentReason</c>: unknown;</item>
/// <item>an interpretation meaning negative, not detected or normal (NEG, ND, N, …): negative, whatever the number;</item>
/// <item>a coded value: positive/detected/present or negative/not detected/absent; any other code is unknown;</item>
/// <item>an interpretation meaning positive or detected (POS, DET): positive;</item>
/// <item>a quantity, only where the caller gives a positivity rule for it (see <see cref="Threshold"/>), honouring
/// its comparator: "&lt; x" and "&lt;= x" at or below the cut-off are negative, never positive.</item>
/// </list>
/// Text (valueString, code.text, notes) is never read.
/// </summary>
internal static class ResultReading
{
    public static Reading Coded(Observation observation, Terminology.CodeSet positive, Terminology.CodeSet negative)
    {
        if (observation.Value is null && observation.DataAbsentReason is not null)
        {
            return Reading.Unknown;
        }

        if (observation.Interpretation.Any(negative.ContainsAny))
        {
            return Reading.Negative;
        }

        if (observation.Value is CodeableConcept value)
        {
            return positive.ContainsAny(value) ? Reading.Positive : negative.ContainsAny(value) ? Reading.Negative : Reading.Unknown;
        }

        return observation.Interpretation.Any(positive.ContainsAny) ? Reading.Positive : Reading.Unknown;
    }

    /// <summary>
    /// A percentage result against a positivity cut-off (<paramref name="cutoffPercent"/>), after the coded reading.
    /// Quantities in <c>%</c> are compared directly, fractions in UCUM <c>1</c> are taken ×100; other units are unknown.
    /// <paramref name="positiveAtCutoff"/> says whether a value equal to the cut-off is positive ("≥ 5 %") or not ("&gt; 1 %").
    /// </summary>
    public static Reading Threshold(Observation observation, Terminology.CodeSet positive, Terminology.CodeSet negative, decimal cutoffPercent, bool positiveAtCutoff)
    {
        var coded = Coded(observation, positive, negative);
        if (coded != Reading.Unknown || observation.Value is not Quantity { Value: { } raw } quantity)
        {
            return coded;
        }

        decimal? percent = (quantity.Code ?? quantity.Unit) switch
        {
            "%" => raw,
            "1" => raw * 100,
            _ => null,
        };
        if (percent is not { } value)
        {
            return Reading.Unknown;
        }

        return quantity.Comparator switch
        {
            Quantity.QuantityComparator.LessThan => value <= cutoffPercent ? Reading.Negative : Reading.Unknown,
            Quantity.QuantityComparator.LessOrEqual => value < cutoffPercent || (value == cutoffPercent && !positiveAtCutoff) ? Reading.Negative : Reading.Unknown,
            _ => value > cutoffPercent || (value == cutoffPercent && positiveAtCutoff) ? Reading.Positive
                : quantity.Comparator is null ? Reading.Negative : Reading.Unknown,
        };
    }

    /// <summary>
    /// A transcript ratio (BCR-ABL1/control): above zero without a "&lt;" comparator shows the fusion; zero or below the
    /// limit of detection is negative for this sample.
    /// </summary>
    public static Reading Ratio(Observation observation, Terminology.CodeSet positive, Terminology.CodeSet negative)
    {
        var coded = Coded(observation, positive, negative);
        if (coded != Reading.Unknown || observation.Value is not Quantity { Value: { } value } quantity)
        {
            return coded;
        }

        return quantity.Comparator switch
        {
            Quantity.QuantityComparator.LessThan or Quantity.QuantityComparator.LessOrEqual => Reading.Negative,
            _ when value > 0 => Reading.Positive,
            Quantity.QuantityComparator.GreaterThan or Quantity.QuantityComparator.GreaterOrEqual => Reading.Unknown,
            _ => Reading.Negative,
        };
    }
}
