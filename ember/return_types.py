"""Named result tuples, as ``torch.return_types``: ``max(x, dim)`` returns ``max(values,
indices)``, a tuple whose fields are also attributes.

Each type has an ``_out`` twin (``max_out``...) returned by the ``out=`` variants, as in
PyTorch.
"""

__all__ = [
    "aminmax",
    "cummax",
    "cummin",
    "frexp",
    "histogram",
    "kthvalue",
    "max",
    "median",
    "min",
    "mode",
    "nanmedian",
    "sort",
    "topk",
]


class _ReturnType(tuple):
    """A tuple with named fields (PyTorch's structseq)."""

    _fields = ()
    n_fields = n_sequence_fields = 2
    n_unnamed_fields = 0

    def __new__(cls, sequence):
        values = tuple(sequence)
        if len(values) != len(cls._fields):
            raise TypeError(
                f"ember.return_types.{cls.__name__}() takes a {len(cls._fields)}-sequence "
                f"({len(values)}-sequence given)"
            )
        return tuple.__new__(cls, values)

    def __repr__(self):
        fields = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
        return f"ember.return_types.{type(self).__name__}(\n{fields})"

    def __reduce__(self):
        return (type(self), (tuple(self),))


def _field(i):
    return property(lambda self: tuple.__getitem__(self, i))


def _make(name, fields):
    attrs = {field: _field(i) for i, field in enumerate(fields)}
    attrs.update(_fields=fields, __module__=__name__, __qualname__=name)
    attrs["__doc__"] = f"The result of ``{name.removesuffix('_out')}``: ``({', '.join(fields)})``."
    return type(name, (_ReturnType,), attrs)


_VALUES_INDICES = ("values", "indices")

max = _make("max", _VALUES_INDICES)
max_out = _make("max_out", _VALUES_INDICES)
min = _make("min", _VALUES_INDICES)
min_out = _make("min_out", _VALUES_INDICES)
sort = _make("sort", _VALUES_INDICES)
sort_out = _make("sort_out", _VALUES_INDICES)
topk = _make("topk", _VALUES_INDICES)
topk_out = _make("topk_out", _VALUES_INDICES)
kthvalue = _make("kthvalue", _VALUES_INDICES)
kthvalue_out = _make("kthvalue_out", _VALUES_INDICES)
median = _make("median", _VALUES_INDICES)
median_out = _make("median_out", _VALUES_INDICES)
nanmedian = _make("nanmedian", _VALUES_INDICES)
nanmedian_out = _make("nanmedian_out", _VALUES_INDICES)
mode = _make("mode", _VALUES_INDICES)
mode_out = _make("mode_out", _VALUES_INDICES)
cummax = _make("cummax", _VALUES_INDICES)
cummax_out = _make("cummax_out", _VALUES_INDICES)
cummin = _make("cummin", _VALUES_INDICES)
cummin_out = _make("cummin_out", _VALUES_INDICES)
aminmax = _make("aminmax", ("min", "max"))
aminmax_out = _make("aminmax_out", ("min", "max"))
frexp = _make("frexp", ("mantissa", "exponent"))
frexp_out = _make("frexp_out", ("mantissa", "exponent"))
histogram = _make("histogram", ("hist", "bin_edges"))
histogram_out = _make("histogram_out", ("hist", "bin_edges"))
