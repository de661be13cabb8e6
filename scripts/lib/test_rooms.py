"""Tests of rooms.py: `python3 -m unittest discover -s scripts/lib -p 'test_*.py'`."""

import io
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

import rooms


def crate(files: dict[str, str]) -> Path:
    """A crate's `src` folder holding `files` (path -> text)."""
    src = Path(tempfile.mkdtemp()) / "src"
    for name, text in files.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return src


def run(src: Path) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = rooms.main([str(src)])
    return code, out.getvalue()


class Cycles(unittest.TestCase):
    def test_two_modules_that_use_each_other_are_a_cycle_named_in_order(self):
        src = crate(
            {
                "lib.rs": "mod a;\nmod b;\n",
                "a.rs": "use crate::b::B;\npub struct A;\n",
                "b.rs": "use crate::a::A;\npub struct B;\n",
            }
        )
        code, out = run(src)
        self.assertEqual(code, 1)
        self.assertIn("import cycle: crate::a -> crate::b -> crate::a", out)

    def test_a_longer_loop_through_a_use_tree_and_an_inline_path_is_found(self):
        src = crate(
            {
                "lib.rs": "mod a;\nmod c;\n",
                "a.rs": "mod b;\n",
                "a/b.rs": "use crate::{c::{self, C}};\n",
                "c.rs": "pub struct C;\nfn f() { crate::a::b::g(); }\n",
            }
        )
        self.assertEqual(rooms.cycles(rooms.dependencies(src)), [[("a", "b"), ("c",), ("a", "b")]])

    def test_a_use_through_a_re_export_counts_for_the_defining_module(self):
        src = crate(
            {
                "lib.rs": "mod a;\nmod c;\n",
                "a.rs": "mod b;\npub use b::B;\n",
                "a/b.rs": "use crate::c::C;\npub struct B;\n",
                "c.rs": "use crate::a::B;\npub struct C;\n",
            }
        )
        graph = rooms.dependencies(src)
        self.assertEqual(graph[("c",)], {("a", "b")})
        self.assertTrue(rooms.cycles(graph))

    def test_a_module_and_its_submodules_are_one_room(self):
        src = crate(
            {
                "lib.rs": "mod a;\n",
                "a.rs": "mod b;\npub use b::B;\npub struct A;\n",
                "a/b.rs": "use super::A;\npub struct B;\n",
            }
        )
        self.assertEqual(run(src)[0], 0)

    def test_comments_strings_and_tests_are_not_uses(self):
        src = crate(
            {
                "lib.rs": "mod a;\nmod b;\n",
                "a.rs": "use crate::b::B;\npub struct A;\n",
                "b.rs": (
                    "//! Unlike `crate::a::A`.\n"
                    "pub struct B;\n"
                    'const S: &str = "crate::a::A";\n'
                    "const C: char = '\"';\n"
                    "#[cfg(test)]\nmod tests {\n    use crate::a::A;\n}\n"
                ),
            }
        )
        self.assertEqual(run(src)[0], 0)


class Sizes(unittest.TestCase):
    def test_a_file_is_measured_before_its_tests(self):
        long_tests = "#[cfg(test)]\nmod tests {\n" + "// x\n" * 500 + "}\n"
        self.assertEqual(run(crate({"lib.rs": "fn f() {}\n" + long_tests}))[0], 0)
        code, out = run(crate({"lib.rs": "// x\n" * 401}))
        self.assertEqual(code, 1)
        self.assertIn("401 lines before its tests (limit 400)", out)

    def test_a_long_function_is_named_unless_it_is_a_view(self):
        body = "    let x = 1;\n" * 80
        code, out = run(crate({"lib.rs": "fn long() {\n" + body + "}\n"}))
        self.assertEqual(code, 1)
        self.assertIn("lib.rs:1: fn long is 82 lines (limit 80)", out)
        view = "fn page() -> impl IntoView {\n    view! {\n" + body + "    }\n}\n"
        self.assertEqual(run(crate({"lib.rs": view}))[0], 0)
        self.assertEqual(run(crate({"lib.rs": "fn short() {\n" + "    let x = 1;\n" * 78 + "}\n"}))[0], 0)


if __name__ == "__main__":
    unittest.main()
