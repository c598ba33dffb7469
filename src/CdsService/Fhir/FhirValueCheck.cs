using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;
using Hl7.Fhir.Model;

namespace CdsService.Fhir;

/// <summary>
/// The part of Firely's model validation that protects a reader, done in one walk of the parsed resource instead of
/// on every property while parsing. Firely's full validator (cardinality, regexes on every string, uri and date)
/// cost more than half of all parsing, and merely installing one allocated 2 MB on a 90-resource record; what the
/// policy needs from it is much less: that no typed property throws when read, that a resource type R4 does not know
/// is refused, and that the shapes <see cref="ShapeRepair"/> fixes are found.
/// </summary>
/// <remarks>
/// Without a validator Firely keeps a value of the wrong JSON type inside the primitive (a number where a date is
/// due, <c>"banana"</c> for a status) and throws when <c>.Value</c> is read; it keeps a value of the wrong shape (an
/// object where R4 wants an array) and any unknown element in the element's overflow, out of reach of the typed
/// properties; it keeps nulls inside lists and empty strings. A date that is a string but not a valid date is kept:
/// the policy reads dates with <c>TryToDateTimeOffset</c> and calls such a date unknown.
/// </remarks>
internal static class FhirValueCheck
{
    public const string WrongTypeCode = "PVAL123";
    public const string InvalidCodeCode = "PVAL116";
    public const string UnknownElementCode = "PVAL128";
    public const string WrongShapeCode = "PVAL127";
    public const string NullInListCode = "PVAL104";

    // What the walk needs to know of each model class, from Firely's metadata, found once per class: one lookup per
    // node instead of one per question (the lookups and type tests were most of this walk's cost).
    private static readonly ConcurrentDictionary<Type, TypeFacts> Facts = new();

    private enum JsonKind
    {
        String,
        Boolean,
        Integer,
        Decimal,
    }

    /// <param name="Repeating">The class's repeating elements.</param>
    /// <param name="Kind">For a primitive, the JSON type its value must have.</param>
    /// <param name="IsValidCode"><c>Code&lt;T&gt;.IsValidValue</c> for an enum-bound code type, null for any other class.</param>
    private sealed record TypeFacts(FrozenSet<string> Repeating, JsonKind Kind, Func<string, bool>? IsValidCode);

    /// <summary>What one walk found.</summary>
    internal sealed class Finding
    {
        private readonly List<string> _path = [];

        /// <summary>A wrong shape, a null in a list, an unknown element or an empty string: <see cref="ShapeRepair"/> fixes these.</summary>
        public bool NeedsRepair => WrongShape is not null || NullInList is not null || MisshapenElements.Count > 0 || UnknownElements.Count > 0 || HasEmptyString;

        /// <summary>An empty string (invalid FHIR JSON, meaning "absent"), which Firely would write back out.</summary>
        public bool HasEmptyString { get; set; }

        /// <summary>The first typed property holding a single value where R4 wants a list, or the reverse: it throws when read.</summary>
        public string? WrongShape { get; set; }

        /// <summary>The first list holding a null, which code walking the list would meet.</summary>
        public string? NullInList { get; set; }

        /// <summary>A resource type R4 does not define, anywhere in the resource (contained ones included).</summary>
        public string? UnknownResourceType { get; set; }

        /// <summary>The code of the first value a typed read would throw on; null when every value is readable.</summary>
        public string? UnreadableCode { get; set; }

        public string? UnreadablePath { get; set; }

        /// <summary>Known elements whose value had a shape Firely could not bind (kept out of reach in the overflow), by path.</summary>
        public List<string> MisshapenElements { get; } = [];

        /// <summary>Elements R4 does not define (tolerated and reported), by path.</summary>
        public List<string> UnknownElements { get; } = [];

        internal void Enter(string name) => _path.Add(name);

        internal void Leave() => _path.RemoveAt(_path.Count - 1);

        internal string Here(string name) => _path.Count == 0 ? name : $"{string.Join('.', _path)}.{name}";
    }

    public static Finding Inspect(Resource resource)
    {
        var finding = new Finding();
        if (resource is DynamicResource)
        {
            finding.UnknownResourceType = resource.TypeName;
            return finding;
        }

        finding.Enter(resource.TypeName);
        Walk(resource, finding, depth: 0);
        return finding;
    }

    // Returns false once the resource is found unusable (an unreadable value, an unknown resource type): the walk stops.
    private static bool Walk(Base node, Finding finding, int depth)
    {
        // The JSON reader's depth limit bounds this already; the guard keeps a hand-built object graph from recursing without end.
        if (depth > JsonInput.MaxDepth * 2)
        {
            return true;
        }

        var mapping = node.HasOverflow ? ModelInfo.ModelInspector.FindClassMapping(node.GetType()) : null;
        var repeating = FactsOf(node.GetType()).Repeating;

        foreach (var (name, value) in node.EnumerateElements())
        {
            // One interface test per element, reused below: this walk visits every element of every kept resource.
            var list = value as IList;
            if (IsOverflow(value, list))
            {
                // Out of reach of the typed properties, so harmless to read; a known name means a shape repair can recover it.
                if (mapping?.FindMappedElementByName(name) is not null || mapping?.FindMappedElementByChoiceName(name) is not null)
                {
                    finding.MisshapenElements.Add(finding.Here(name));
                }
                else
                {
                    finding.UnknownElements.Add(finding.Here(name));
                }

                continue;
            }

            // Firely keeps a single value where R4 wants a list (and the reverse) in the typed property, which then
            // throws when read: the shape repair wraps or unwraps it.
            if ((list is not null) != repeating.Contains(name))
            {
                finding.WrongShape ??= finding.Here(name);
                continue;
            }

            if (list is null)
            {
                if (value is Base child && !Visit(child, name, finding, depth))
                {
                    return false;
                }
            }
            else
            {
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is Base item)
                    {
                        if (!Visit(item, name, finding, depth))
                        {
                            return false;
                        }
                    }
                    else if (list[i] is null)
                    {
                        finding.NullInList ??= finding.Here(name);
                    }
                }
            }
        }

        return true;
    }

    private static bool Visit(Base child, string name, Finding finding, int depth)
    {
        if (child is DynamicResource)
        {
            finding.UnknownResourceType = child.TypeName;
            return false;
        }

        if (child is PrimitiveType primitive && Unreadable(primitive, finding) is { } code)
        {
            finding.UnreadableCode = code;
            finding.UnreadablePath = finding.Here(name);
            return false;
        }

        // Most nodes are bare primitives (a value, no id, no extension, nothing unknown): nothing below them to check,
        // and enumerating their elements was most of this walk's cost.
        if (child is PrimitiveType { ElementId: null, HasOverflow: false } bare && bare.Extension.Count == 0)
        {
            return true;
        }

        finding.Enter(name);
        var usable = Walk(child, finding, depth + 1);
        finding.Leave();
        return usable;
    }

    private static bool IsOverflow(object? value, IList? list) =>
        list is null ? value is DynamicPrimitive or DynamicDataType : list.Count > 0 && list[0] is DynamicPrimitive or DynamicDataType;

    private static string? Unreadable(PrimitiveType primitive, Finding finding)
    {
        var value = primitive.JsonValue;
        var facts = FactsOf(primitive.GetType());
        var typed = value is null || facts.Kind switch
        {
            JsonKind.Boolean => value is bool,
            JsonKind.Integer => value is int,
            JsonKind.Decimal => value is decimal,
            _ => value is string,
        };
        if (!typed)
        {
            return WrongTypeCode;
        }

        if (value is string text)
        {
            if (text.Length == 0)
            {
                finding.HasEmptyString = true;
            }
            else if (facts.IsValidCode is { } isValid && !isValid(text))
            {
                return InvalidCodeCode;
            }
        }

        return null;
    }

    private static TypeFacts FactsOf(Type type) => Facts.GetOrAdd(type, static t => new TypeFacts(
        ModelInfo.ModelInspector.FindClassMapping(t) is { } mapping
            ? mapping.PropertyMappings.Where(p => p.IsCollection).Select(p => p.Name).ToFrozenSet(StringComparer.Ordinal)
            : FrozenSet<string>.Empty,
        t.IsAssignableTo(typeof(FhirBoolean)) ? JsonKind.Boolean
            : t.IsAssignableTo(typeof(Integer)) || t.IsAssignableTo(typeof(PositiveInt)) || t.IsAssignableTo(typeof(UnsignedInt)) ? JsonKind.Integer
            : t.IsAssignableTo(typeof(FhirDecimal)) ? JsonKind.Decimal
            : JsonKind.String,
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Code<>)
            ? t.GetMethod("IsValidValue", BindingFlags.Public | BindingFlags.Static, [typeof(string)])?.CreateDelegate<Func<string, bool>>()
            : null));
}
