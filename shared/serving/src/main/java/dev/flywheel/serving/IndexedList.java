package dev.flywheel.serving;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * An immutable list of distinct strings whose {@link #indexOf} is a hash lookup: the categories of a feature and the
 * classes of a model are looked up once per cell on the serving path, where {@code List.indexOf} would cost one
 * comparison per category. Equal to (and serialised as) any list with the same elements.
 */
final class IndexedList extends AbstractList<String> implements RandomAccess {
    private final List<String> items;
    private final Map<String, Integer> index;

    private IndexedList(List<String> items) {
        this.items = List.copyOf(items);
        this.index = new HashMap<>(items.size() * 2);
        for (int i = 0; i < this.items.size(); i++) {
            this.index.putIfAbsent(this.items.get(i), i);
        }
    }

    static List<String> of(List<String> items) {
        return items instanceof IndexedList indexed ? indexed : new IndexedList(items == null ? List.of() : items);
    }

    @Override
    public String get(int i) {
        return items.get(i);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public int indexOf(Object o) {
        Integer i = index.get(o);
        return i == null ? -1 : i;
    }

    @Override
    public boolean contains(Object o) {
        return index.containsKey(o);
    }
}
