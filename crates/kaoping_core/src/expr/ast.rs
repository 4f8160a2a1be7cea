//! The syntax tree and its canonical printing.

use std::fmt;

/// A built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Count,
    Sum,
    Empty,
    Selected,
    Min,
    Max,
    Len,
    Number,
    If,
}

impl Func {
    /// Every function, in the order listed in error messages.
    pub(crate) const ALL: [Func; 9] = [
        Func::Count,
        Func::Empty,
        Func::If,
        Func::Len,
        Func::Max,
        Func::Min,
        Func::Number,
        Func::Selected,
        Func::Sum,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Func::Count => "count",
            Func::Sum => "sum",
            Func::Empty => "empty",
            Func::Selected => "selected",
            Func::Min => "min",
            Func::Max => "max",
            Func::Len => "len",
            Func::Number => "number",
            Func::If => "if",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Func> {
        Func::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Minimum and maximum number of arguments (`None`: unbounded).
    pub(crate) fn arity(self) -> (usize, Option<usize>) {
        match self {
            Func::Count | Func::Sum | Func::Empty | Func::Len | Func::Number => (1, Some(1)),
            Func::Selected => (2, Some(2)),
            Func::If => (3, Some(3)),
            Func::Min | Func::Max => (1, None),
        }
    }

    pub(crate) fn signature(self) -> &'static str {
        match self {
            Func::Count => "count(x)",
            Func::Sum => "sum(x)",
            Func::Empty => "empty(x)",
            Func::Selected => "selected(x, value)",
            Func::Min => "min(a, b, ...)",
            Func::Max => "max(a, b, ...)",
            Func::Len => "len(text)",
            Func::Number => "number(x)",
            Func::If => "if(condition, then, else)",
        }
    }
}

/// Comparison operators (`=` and `==` are the same operator).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// Additive operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddOp {
    Add,
    Sub,
}

/// Multiplicative operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MulOp {
    Mul,
    Div,
    Rem,
}

/// A literal constant.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
}

/// A node of the syntax tree. Chains of operators of one precedence level are stored flat
/// (`a + b - c` is one `Additive` node), so the tree depth only grows with nesting, which the
/// parser limits.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Lit(Lit),
    /// An answer reference, with an optional dotted path into an object answer.
    Answer {
        id: String,
        path: Vec<String>,
    },
    /// `.`: the current question's value.
    Current,
    Neg(Box<Node>),
    Not(Box<Node>),
    Or(Vec<Node>),
    And(Vec<Node>),
    Compare(Box<Node>, CmpOp, Box<Node>),
    Additive(Box<Node>, Vec<(AddOp, Node)>),
    Multiplicative(Box<Node>, Vec<(MulOp, Node)>),
    Call(Func, Vec<Node>),
}

// Precedence levels, lowest first.
const P_OR: u8 = 1;
const P_AND: u8 = 2;
const P_NOT: u8 = 3;
const P_CMP: u8 = 4;
const P_ADD: u8 = 5;
const P_MUL: u8 = 6;
const P_UNARY: u8 = 7;
const P_ATOM: u8 = 8;

impl Node {
    fn precedence(&self) -> u8 {
        match self {
            Node::Or(_) => P_OR,
            Node::And(_) => P_AND,
            Node::Not(_) => P_NOT,
            Node::Compare(..) => P_CMP,
            Node::Additive(..) => P_ADD,
            Node::Multiplicative(..) => P_MUL,
            Node::Neg(_) => P_UNARY,
            Node::Lit(Lit::Number(n)) if n.is_sign_negative() => P_UNARY,
            _ => P_ATOM,
        }
    }

    /// Writes the node, in parentheses if its precedence is below `min`.
    fn write(&self, f: &mut fmt::Formatter<'_>, min: u8) -> fmt::Result {
        if self.precedence() < min {
            f.write_str("(")?;
            self.write(f, P_OR)?;
            return f.write_str(")");
        }
        match self {
            Node::Lit(Lit::Null) => f.write_str("null"),
            Node::Lit(Lit::Bool(b)) => write!(f, "{b}"),
            Node::Lit(Lit::Number(n)) => write!(f, "{n}"),
            Node::Lit(Lit::Text(s)) => write_text(f, s),
            Node::Answer { id, path } => {
                f.write_str(id)?;
                for seg in path {
                    write!(f, ".{seg}")?;
                }
                Ok(())
            }
            Node::Current => f.write_str("."),
            Node::Neg(x) => {
                f.write_str("-")?;
                x.write(f, P_UNARY)
            }
            Node::Not(x) => {
                f.write_str("not ")?;
                x.write(f, P_NOT)
            }
            Node::Or(items) => write_list(f, items, " or ", P_AND),
            Node::And(items) => write_list(f, items, " and ", P_NOT),
            Node::Compare(l, op, r) => {
                l.write(f, P_ADD)?;
                write!(f, " {} ", op.symbol())?;
                r.write(f, P_ADD)
            }
            Node::Additive(first, rest) => {
                first.write(f, P_MUL)?;
                for (op, x) in rest {
                    f.write_str(match op {
                        AddOp::Add => " + ",
                        AddOp::Sub => " - ",
                    })?;
                    x.write(f, P_MUL)?;
                }
                Ok(())
            }
            Node::Multiplicative(first, rest) => {
                first.write(f, P_UNARY)?;
                for (op, x) in rest {
                    f.write_str(match op {
                        MulOp::Mul => " * ",
                        MulOp::Div => " / ",
                        MulOp::Rem => " % ",
                    })?;
                    x.write(f, P_UNARY)?;
                }
                Ok(())
            }
            Node::Call(func, args) => {
                f.write_str(func.name())?;
                f.write_str("(")?;
                write_list(f, args, ", ", P_OR)?;
                f.write_str(")")
            }
        }
    }

    /// Calls `visit` on this node and every descendant.
    pub(crate) fn walk(&self, visit: &mut dyn FnMut(&Node)) {
        visit(self);
        match self {
            Node::Lit(_) | Node::Answer { .. } | Node::Current => {}
            Node::Neg(x) | Node::Not(x) => x.walk(visit),
            Node::Or(items) | Node::And(items) | Node::Call(_, items) => {
                items.iter().for_each(|x| x.walk(visit));
            }
            Node::Compare(l, _, r) => {
                l.walk(visit);
                r.walk(visit);
            }
            Node::Additive(first, rest) => {
                first.walk(visit);
                rest.iter().for_each(|(_, x)| x.walk(visit));
            }
            Node::Multiplicative(first, rest) => {
                first.walk(visit);
                rest.iter().for_each(|(_, x)| x.walk(visit));
            }
        }
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, items: &[Node], sep: &str, min: u8) -> fmt::Result {
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        x.write(f, min)?;
    }
    Ok(())
}

fn write_text(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("'")?;
    for c in s.chars() {
        match c {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("'")
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, P_OR)
    }
}
