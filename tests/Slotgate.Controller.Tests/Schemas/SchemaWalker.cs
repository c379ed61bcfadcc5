using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Slotgate.Controller.Tests.Schemas.Cel;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>
/// Walks a value and its OpenAPI v3 schema together and collects every error, worded as the API server words them.
/// Two dialects: a CRD's structural schema (<see cref="SchemaDialect.CustomResource"/>: oneOf/anyOf/allOf/not are value
/// validations over the declared fields, <c>x-kubernetes-validations</c> CEL rules run) and the Kubernetes core
/// schemas (<see cref="SchemaDialect.Core"/>: <c>$ref</c> to definitions, <c>oneOf</c> as a union of types such as
/// "a ref or null", "string or int32").
/// </summary>
internal sealed class SchemaWalker(SchemaDialect dialect, Func<string, JsonObject> resolveReference)
{
    /// <summary>Validates <paramref name="value"/> (present: a missing value is never passed in).</summary>
    public void Validate(JsonNode? value, JsonObject schema, SchemaPath path, OldValue old, List<string> errors, bool junctor = false)
    {
        schema = Resolve(schema);
        string kind = KindOf(value);
        if (!CheckType(value, kind, schema, path, errors))
        {
            return;
        }
        if (value is null)
        {
            return;
        }
        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => ValuesEqual(a, value)))
        {
            errors.Add($"{path.FieldOrRoot}: Unsupported value: {value.ToJsonString()}: supported values: {string.Join(", ", allowed.Select(a => a?.ToJsonString()))}");
        }
        switch (value)
        {
            case JsonValue scalar when kind == "string":
                CheckString(scalar.GetValue<string>(), schema, path, errors);
                break;
            case JsonValue scalar when kind is "integer" or "number":
                CheckNumber(scalar, kind, schema, path, errors);
                break;
            case JsonArray array:
                CheckArray(array, schema, path, old, errors, junctor);
                break;
            case JsonObject obj:
                CheckObject(obj, schema, path, old, errors, junctor);
                break;
        }
        CheckJunctors(value, schema, path, old, errors);
        // As in the API server, CEL rules run besides the schema's own checks, whatever those found below this value.
        if (!junctor && dialect == SchemaDialect.CustomResource)
        {
            CheckRules(value, kind, schema, path, old, errors);
        }
    }

    public JsonObject Resolve(JsonObject schema)
    {
        for (int hops = 0; schema["$ref"] is JsonValue reference; hops++)
        {
            schema = hops < 64 ? resolveReference(reference.GetValue<string>().TrimEnd('#')) : throw new InvalidOperationException("$ref cycle");
        }
        return schema;
    }

    public static string KindOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => JsonNumbers.TryGetInteger(v, out _) ? "integer" : "number",
            _ => "null",
        },
        _ => "null",
    };

    private static bool ValuesEqual(JsonNode? a, JsonNode? b) =>
        CelOperators.ValuesEqual(CelValues.FromJson(a), CelValues.FromJson(b));

    private bool CheckType(JsonNode? value, string kind, JsonObject schema, SchemaPath path, List<string> errors)
    {
        string? type = (string?)schema["type"];
        if (value is null)
        {
            if (type is null or "null" || schema["nullable"] is JsonValue n && (bool)n)
            {
                return true;
            }
            if (dialect == SchemaDialect.Core && schema["oneOf"] is JsonArray alternatives
                && alternatives.OfType<JsonObject>().Any(a => (string?)Resolve(a)["type"] == "null"))
            {
                return true;
            }
            errors.Add($"{path.FieldOrRoot}: Invalid value: \"null\": {path.FieldOrRoot} in body must be of type {type}: \"null\"");
            return false;
        }
        if (schema["x-kubernetes-int-or-string"] is JsonValue ios && (bool)ios)
        {
            if (kind is "integer" or "string")
            {
                return true;
            }
            errors.Add($"{path.FieldOrRoot}: Invalid value: \"{kind}\": {path.FieldOrRoot} in body must be of type integer or string: \"{kind}\"");
            return false;
        }
        bool matches = type switch
        {
            null => true,
            "number" => kind is "integer" or "number",
            _ => type == kind,
        };
        if (!matches)
        {
            errors.Add($"{path.FieldOrRoot}: Invalid value: \"{kind}\": {path.FieldOrRoot} in body must be of type {type}: \"{kind}\"");
        }
        return matches;
    }

    private static void CheckString(string text, JsonObject schema, SchemaPath path, List<string> errors)
    {
        int length = text.EnumerateRunes().Count();
        string quoted = JsonSerializer.Serialize(text);
        if (schema["maxLength"] is JsonValue max && length > JsonNumbers.GetDouble(max))
        {
            errors.Add($"{path.FieldOrRoot}: Too long: may not be longer than {max.ToJsonString()}");
        }
        if (schema["minLength"] is JsonValue min && length < JsonNumbers.GetDouble(min))
        {
            errors.Add($"{path.FieldOrRoot}: Invalid value: {quoted}: {path.FieldOrRoot} in body should be at least {min.ToJsonString()} chars long");
        }
        if (schema["pattern"] is JsonValue pattern && !Re2.Matches(text, (string)pattern!))
        {
            errors.Add($"{path.FieldOrRoot}: Invalid value: {quoted}: {path.FieldOrRoot} in body should match '{(string)pattern!}'");
        }
        if (schema["format"] is JsonValue format && !ValueFormats.IsValid((string)format!, text))
        {
            errors.Add($"{path.FieldOrRoot}: Invalid value: {quoted}: {path.FieldOrRoot} in body must be of type {(string)format!}: {quoted}");
        }
    }

    private static void CheckNumber(JsonValue scalar, string kind, JsonObject schema, SchemaPath path, List<string> errors)
    {
        double number = JsonNumbers.GetDouble(scalar);
        string text = scalar.ToJsonString();
        bool exclusiveMin = schema["exclusiveMinimum"] is JsonValue em && (bool)em;
        bool exclusiveMax = schema["exclusiveMaximum"] is JsonValue eM && (bool)eM;
        if (schema["minimum"] is JsonValue min && (exclusiveMin ? number <= JsonNumbers.GetDouble(min) : number < JsonNumbers.GetDouble(min)))
        {
            errors.Add($"{path.FieldOrRoot}: Invalid value: {text}: {path.FieldOrRoot} in body should be greater than {(exclusiveMin ? "" : "or equal to ")}{min.ToJsonString()}");
        }
        if (schema["maximum"] is JsonValue max && (exclusiveMax ? number >= JsonNumbers.GetDouble(max) : number > JsonNumbers.GetDouble(max)))
        {
            errors.Add($"{path.FieldOrRoot}: Invalid value: {text}: {path.FieldOrRoot} in body should be less than {(exclusiveMax ? "" : "or equal to ")}{max.ToJsonString()}");
        }
        string? format = (string?)schema["format"];
        bool integral = JsonNumbers.TryGetInteger(scalar, out long integer);
        if (kind == "integer" && format == "int32" && (!integral || integer < int.MinValue || integer > int.MaxValue)
            || kind == "integer" && format == "int64" && !integral)
        {
            errors.Add($"{path.FieldOrRoot}: Invalid value: {text}: {path.FieldOrRoot} in body must be of type {format}: {text}");
        }
    }

    private void CheckArray(JsonArray array, JsonObject schema, SchemaPath path, OldValue old, List<string> errors, bool junctor)
    {
        if (schema["maxItems"] is JsonValue max && array.Count > JsonNumbers.GetDouble(max))
        {
            errors.Add($"{path.FieldOrRoot}: Too many: {array.Count}: must have at most {max.ToJsonString()} items");
        }
        if (schema["minItems"] is JsonValue min && array.Count < JsonNumbers.GetDouble(min))
        {
            errors.Add($"{path.FieldOrRoot}: Invalid value: {array.Count}: {path.FieldOrRoot} in body should have at least {min.ToJsonString()} items");
        }
        string? listType = (string?)schema["x-kubernetes-list-type"];
        IReadOnlyList<string>? keys = listType == "map"
            ? (schema["x-kubernetes-list-map-keys"] as JsonArray)?.Select(k => (string)k!).ToList()
            : null;
        if (listType is "set" or "map")
        {
            CheckUnique(array, keys, path, errors);
        }
        JsonObject? itemSchema = schema["items"] as JsonObject;
        JsonArray? oldArray = old.Has ? old.Value as JsonArray : null;
        for (int i = 0; i < array.Count; i++)
        {
            SchemaPath itemPath = path.Item(i, array[i], keys);
            OldValue oldItem = keys is not null && oldArray is not null ? OldValue.Find(oldArray, array[i], keys) : OldValue.None;
            if (itemSchema is not null)
            {
                Validate(array[i], itemSchema, itemPath, oldItem, errors, junctor);
            }
        }
    }

    private static void CheckUnique(JsonArray array, IReadOnlyList<string>? keys, SchemaPath path, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < array.Count; i++)
        {
            string identity = keys is null
                ? array[i]?.ToJsonString() ?? "null"
                : new JsonObject(keys.Select(k => new KeyValuePair<string, JsonNode?>(k, (array[i] as JsonObject)?[k]?.DeepClone()))).ToJsonString();
            if (!seen.Add(identity))
            {
                errors.Add($"{path.Field}[{i}]: Duplicate value: {identity}");
            }
        }
    }

    private void CheckObject(JsonObject obj, JsonObject schema, SchemaPath path, OldValue old, List<string> errors, bool junctor)
    {
        var properties = schema["properties"] as JsonObject;
        JsonNode? additional = schema["additionalProperties"];
        bool preserveUnknown = schema["x-kubernetes-preserve-unknown-fields"] is JsonValue p && (bool)p;
        // A core definition with neither properties nor additionalProperties (FieldsV1, RawExtension) is free-form.
        bool additionalAllowed = additional is JsonObject || additional is JsonValue t && (bool)t;
        bool closed = !junctor && !preserveUnknown && !additionalAllowed;
        if (dialect == SchemaDialect.Core && properties is null && additional is null)
        {
            closed = false;
        }
        JsonObject? oldObject = old.Has ? old.Value as JsonObject : null;
        foreach ((string name, JsonNode? child) in obj)
        {
            SchemaPath childPath = path.Property(name);
            OldValue oldChild = oldObject is not null && oldObject.TryGetPropertyValue(name, out JsonNode? o) ? new OldValue(true, o) : OldValue.None;
            if (properties is not null && properties[name] is JsonObject propertySchema)
            {
                if (!(path.Field.Length == 0 && name == "metadata" && dialect == SchemaDialect.CustomResource))
                {
                    Validate(child, propertySchema, childPath, oldChild, errors, junctor);
                }
            }
            else if (additional is JsonObject additionalSchema)
            {
                Validate(child, additionalSchema, childPath, oldChild, errors, junctor);
            }
            else if (closed)
            {
                errors.Add($"{childPath.Managed}: {SchemaValidator.UndeclaredField}");
            }
        }
        if (schema["required"] is JsonArray required)
        {
            foreach (string name in required.Select(r => (string)r!))
            {
                if (!obj.ContainsKey(name))
                {
                    errors.Add($"{path.Property(name).Field}: Required value");
                }
            }
        }
        if (schema["maxProperties"] is JsonValue max && obj.Count > JsonNumbers.GetDouble(max))
        {
            errors.Add($"{path.FieldOrRoot}: Too many: {obj.Count}: must have at most {max.ToJsonString()} items");
        }
        if (schema["minProperties"] is JsonValue min && obj.Count < JsonNumbers.GetDouble(min))
        {
            errors.Add($"{path.FieldOrRoot}: Invalid value: {obj.Count}: {path.FieldOrRoot} in body should have at least {min.ToJsonString()} properties");
        }
    }

    private void CheckJunctors(JsonNode value, JsonObject schema, SchemaPath path, OldValue old, List<string> errors)
    {
        // Core schemas use oneOf as a union of types; a CRD uses it (and anyOf, allOf, not) as a value validation.
        bool union = dialect == SchemaDialect.Core;
        if (schema["oneOf"] is JsonArray oneOf)
        {
            var outcomes = oneOf.OfType<JsonObject>().Select(a => Try(value, a, path, old, junctor: !union)).ToList();
            int passing = outcomes.Count(o => o.Errors.Count == 0);
            if (passing == 0 && union && outcomes.Where(o => o.TypeFits).ToList() is [var fitting])
            {
                errors.AddRange(fitting.Errors);
            }
            else if (passing != 1)
            {
                errors.Add($"{path.FieldOrRoot}: Invalid value: {Short(value)}: {path.FieldOrRoot} in body must validate one and only one schema (oneOf){(passing == 0 ? "" : $". Found {passing} valid alternatives")}");
            }
        }
        if (schema["anyOf"] is JsonArray anyOf && !anyOf.OfType<JsonObject>().Any(a => Try(value, a, path, old, junctor: true).Errors.Count == 0))
        {
            errors.Add($"{path.FieldOrRoot}: Invalid value: {Short(value)}: {path.FieldOrRoot} in body must validate at least one schema (anyOf)");
        }
        if (schema["allOf"] is JsonArray allOf)
        {
            foreach (JsonObject alternative in allOf.OfType<JsonObject>())
            {
                errors.AddRange(Try(value, alternative, path, old, junctor: true).Errors);
            }
        }
        if (schema["not"] is JsonObject not && Try(value, not, path, old, junctor: true).Errors.Count == 0)
        {
            errors.Add($"{path.FieldOrRoot}: Invalid value: {Short(value)}: {path.FieldOrRoot} in body must not validate the schema (not)");
        }
    }

    private (List<string> Errors, bool TypeFits) Try(JsonNode value, JsonObject alternative, SchemaPath path, OldValue old, bool junctor)
    {
        var errors = new List<string>();
        JsonObject resolved = Resolve(alternative);
        string? type = (string?)resolved["type"];
        string kind = KindOf(value);
        bool fits = type is null || type == kind || type == "number" && kind == "integer";
        Validate(value, alternative, path, old, errors, junctor);
        return (errors, fits);
    }

    /// <summary>
    /// The failed rule's message: its <c>messageExpression</c> evaluated when it has one (and it yields a non-empty
    /// string), else its <c>message</c>, else "failed rule: &lt;rule&gt;".
    /// </summary>
    private static string Message(JsonObject rule, CelProgram program, JsonNode value, OldValue old)
    {
        string fallback = (string?)rule["message"] ?? $"failed rule: {program.Rule}";
        if ((string?)rule["messageExpression"] is not string expression)
        {
            return fallback;
        }
        try
        {
            return CelProgram.Compile(expression).Evaluate(CelValues.FromJson(value), CelValues.FromJson(old.Value), old.Has) is string { Length: > 0 } text
                && !text.Contains('\n', StringComparison.Ordinal)
                ? text
                : fallback;
        }
        catch (Exception e) when (e is CelEvaluationException or CelParseException)
        {
            return fallback;
        }
    }

    private static string Short(JsonNode value) => value switch
    {
        JsonObject => "\"object\"",
        JsonArray => "\"array\"",
        _ => value.ToJsonString(),
    };

    private static void CheckRules(JsonNode value, string kind, JsonObject schema, SchemaPath path, OldValue old, List<string> errors)
    {
        if (schema["x-kubernetes-validations"] is not JsonArray rules)
        {
            return;
        }
        foreach (JsonObject rule in rules.OfType<JsonObject>())
        {
            CelProgram program = CelProgram.Compile((string)rule["rule"]!);
            if (program.UsesOldSelf && !old.Has)
            {
                continue;
            }
            string typeName = kind == "integer" ? "integer" : kind;
            try
            {
                if (!program.Holds(value, old.Value, old.Has))
                {
                    errors.Add($"{path.FieldOrRoot}: Invalid value: \"{typeName}\": {Message(rule, program, value, old)}");
                }
            }
            catch (CelEvaluationException e)
            {
                errors.Add($"{path.FieldOrRoot}: Invalid value: \"{typeName}\": {e.Message} evaluating rule: {program.Rule}");
            }
        }
    }
}
