package dev.streamrec.model.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one RFC 4180 CSV record into fields: double-quoted fields may hold commas and doubled
 * quotes; a trailing CR (files with CRLF line ends) is dropped.
 */
public final class CsvLineParser {

    private CsvLineParser() {}

    /** Parses one line; a quoted field spanning several lines is not supported (none in our data). */
    public static List<String> parse(String line) {
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            end--;
        }
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < end; i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < end && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
