package stream.client;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import com.eclipsesource.json.JsonValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns minimal-json values into plain Java values, so the exported API does not expose minimal-json. */
final class JsonValues {
    private JsonValues() {}

    /**
     * @param object the parsed object
     * @return an unmodifiable map in member order
     */
    static Map<String, Object> toMap(JsonObject object) {
        var map = new LinkedHashMap<String, Object>();
        for (JsonObject.Member member : object) {
            map.put(member.getName(), toJava(member.getValue()));
        }
        return Collections.unmodifiableMap(map);
    }

    private static Object toJava(JsonValue value) {
        if (value.isString()) {
            return value.asString();
        }
        if (value.isNumber()) {
            double d = value.asDouble();
            return d == Math.rint(d) && Math.abs(d) < 9.0e15 ? (Object) (long) d : (Object) d;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isObject()) {
            return toMap(value.asObject());
        }
        if (value.isArray()) {
            JsonArray array = value.asArray();
            List<Object> list = new ArrayList<>(array.size());
            for (JsonValue element : array) {
                list.add(toJava(element));
            }
            return Collections.unmodifiableList(list);
        }
        return null;
    }
}
