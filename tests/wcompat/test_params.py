import pytest

from wcompat.params import php_parse_qs


@pytest.mark.parametrize(
    ("query", "parsed"),
    [
        ("a=1&a=2", {"a": "2"}),  # the last one wins, as in PHP
        ("include=1,2", {"include": "1,2"}),
        ("include[]=1&include[]=2", {"include": ["1", "2"]}),
        ("include%5B%5D=1&include%5B%5D=2", {"include": ["1", "2"]}),
        ("include[0]=5&include[1]=7", {"include": ["5", "7"]}),
        ("billing[city]=Paris&billing[phone]=1", {"billing": {"city": "Paris", "phone": "1"}}),
        ("search=a+b", {"search": "a b"}),
        ("search=a%2Bb", {"search": "a+b"}),
        ("force=True&", {"force": "True"}),
        ("flag", {"flag": ""}),
        ("a.b=1&c d=2", {"a_b": "1", "c_d": "2"}),
        ("a[x]=1&a=2", {"a": "2"}),
    ],
)
def test_php_parse_qs(query, parsed):
    assert php_parse_qs(query) == parsed
