package dev.streamrec.schema.event;

import java.util.Locale;

/** What the user did with the item; the wire form is the lower-case name. */
public enum InteractionType {
    VIEW,
    CLICK,
    CART,
    PURCHASE,
    RATING;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type for a wire name, or null when unknown. */
    public static InteractionType fromWire(String s) {
        for (InteractionType t : values()) {
            if (t.wireName().equals(s)) {
                return t;
            }
        }
        return null;
    }
}
