// Test blocks inside rule files (concept 14): checked here against the scheme's
// declarations, kept in the IR as rows of text and typed expectations for `kaoping test`.
#include "compiler/sema/checker.h"
#include "compiler/support/date.h"

namespace kaoping::sema {

// The text a data file would hold for the literal `e` of type `type`, or nullopt (reported).
std::optional<std::string> Checker::cellText(const ast::Expr& e, const ir::Type& type) {
  using B = ir::BaseType;
  // Text-like columns accept a bare name: `dept 一处`.
  if ((type.base == B::String || type.base == B::Department || type.base == B::Subject) &&
      (e.kind == ast::ExprKind::Name || e.kind == ast::ExprKind::String || e.kind == ast::ExprKind::Number))
    return e.text;
  std::string text;
  auto v = literalValue(e, type, &text);
  if (!v) return std::nullopt;
  switch (type.base) {
    case B::Int: return std::to_string(v->asInt());
    case B::Decimal:
    case B::Money: return v->asDecimal().toString();
    case B::Percent: return (v->asDecimal() * Decimal::fromInt(100)).toString() + "%";
    case B::Bool: return std::string(v->asBool() ? "是" : "否");
    case B::Date: return date::format(v->asDate());
    case B::Enum: return ir_->enums[type.enumId].values[v->asIndex()];
    default: return text;
  }
}

void Checker::checkTests(const ast::Scheme& file) {
  const bool persons = ir_->subjects == ir::SubjectKind::Persons;
  for (const ast::DeclPtr& dp : file.decls) {
    const ast::Decl& d = *dp;
    if (d.kind != ast::DeclKind::Test) continue;
    ir::TestCase t;
    t.name = d.text;
    t.span = d.span;
    std::map<std::string, Span> ids;
    // Subjects first: events and expectations refer to them.
    for (const ast::TestItem& item : d.testItems) {
      if (item.kind != ast::TestItemKind::Subjects) continue;
      bool itemPersons = oneOf(item.name.text, {"persons", "people", "人员"});
      bool itemUnits = oneOf(item.name.text, {"units", "单位"});
      if (!itemPersons && !itemUnits) {
        diags_.report(DiagId::UnknownSetting, item.name.span, bilingual("kind of subject", "考评对象"), item.name.text,
                      "persons/人员, units/单位");
        continue;
      }
      if (itemPersons != persons) {
        diags_.report(DiagId::SubjectKindMismatch, item.name.span, bilingual("this test", "本测试"), item.name.text,
                      persons ? bilingual("persons", "人员") : bilingual("units", "单位"));
        continue;
      }
      for (const ast::TestSubject& s : item.subjects) {
        if (!ids.emplace(s.id.text, s.id.span).second) {
          diags_.report(DiagId::DuplicateName, s.id.span, s.id.text);
          continue;
        }
        ir::TestCase::Row row;
        row.id = s.id.text;
        row.span = s.span;
        for (const ast::TestField& f : s.fields) {
          int attr = attributeByName(f.name.text);
          if (attr < 0 || attr == static_cast<int>(ir::kAttrId)) {
            Diagnostic& diag = diags_.report(DiagId::UnknownAttribute, f.name.span, f.name.text, item.name.text);
            std::vector<std::string> names;
            for (const ir::Attribute& a : ir_->subjectAttributes) names.push_back(a.name);
            suggest(diag, f.name.text, names);
            continue;
          }
          if (auto text = cellText(*f.value, ir_->subjectAttributes[attr].type.withOptional(false)))
            row.fields.emplace_back(f.name.text, *text);
        }
        t.subjects.push_back(std::move(row));
      }
    }
    auto knownSubject = [&](const ast::Name& n) {
      if (ids.count(n.text)) return true;
      diags_.report(DiagId::UnknownTestSubject, n.span, n.text);
      return false;
    };
    for (const ast::TestItem& item : d.testItems) {
      switch (item.kind) {
        case ast::TestItemKind::Subjects: break;
        case ast::TestItemKind::Events:
          for (const ast::TestEvent& e : item.events) {
            int kind = kindByName(e.kind.text);
            if (kind < 0) {
              Diagnostic& diag = diags_.report(DiagId::UnknownEventKind, e.kind.span, e.kind.text);
              std::vector<std::string> names;
              for (const ir::EventKind& k : ir_->eventKinds) names.push_back(k.name);
              suggest(diag, e.kind.text, names);
              continue;
            }
            if (!knownSubject(e.subject)) continue;
            if (!date::parse(e.date)) {
              diags_.report(DiagId::BadDate, e.span, e.date);
              continue;
            }
            ir::TestCase::Row row;
            row.date = e.date;
            row.kind = static_cast<uint32_t>(kind);
            row.subject = e.subject.text;
            row.times = static_cast<uint32_t>(std::max(1, e.times));
            row.span = e.span;
            for (const ast::TestField& f : e.fields) {
              int attr = eventAttrByName(kind, f.name.text);
              if (attr < 0) {
                diags_.report(DiagId::UnknownAttribute, f.name.span, f.name.text, e.kind.text);
                continue;
              }
              if (auto text = cellText(*f.value, ir_->eventKinds[kind].attributes[attr].type.withOptional(false)))
                row.fields.emplace_back(f.name.text, *text);
            }
            t.events.push_back(std::move(row));
          }
          break;
        case ast::TestItemKind::History:
          for (const ast::TestSubject& s : item.subjects) {
            ir::TestCase::Row row;
            row.id = s.id.text;
            row.span = s.span;
            for (const ast::TestField& f : s.fields) {
              int fig = figureByName(f.name.text);
              if (fig < 0) {
                diags_.report(DiagId::UnknownFigure, f.name.span, f.name.text);
                continue;
              }
              if (auto text = cellText(*f.value, ir_->figures[fig].type.withOptional(false)))
                row.fields.emplace_back(f.name.text, *text);
            }
            t.history.push_back(std::move(row));
          }
          break;
        case ast::TestItemKind::Param: {
          int p = paramByName(item.name.text);
          if (p < 0) {
            diags_.report(DiagId::UnknownName, item.name.span, item.name.text);
            break;
          }
          if (auto text = cellText(*item.value, ir_->params[p].type.withOptional(false)))
            t.params.emplace_back(item.name.text, *text);
          break;
        }
        case ast::TestItemKind::ExpectError:
          t.expectError = true;
          t.errorText = item.message;
          break;
        case ast::TestItemKind::Expect: {
          // `S.figure op value`, `value op S.figure`, `S.figure` (yes) or `not S.figure`.
          const ast::Expr* e = item.value.get();
          ir::TestCase::Expect x;
          x.span = item.span;
          const ast::Expr* member = nullptr;
          const ast::Expr* value = nullptr;
          bool negated = false;
          if (e->kind == ast::ExprKind::Not) {
            negated = true;
            e = e->lhs.get();
          }
          if (e->kind == ast::ExprKind::Member) {
            member = e;
          } else if (e->kind == ast::ExprKind::Compare) {
            static const ir::CompareOp flipped[] = {ir::CompareOp::Eq, ir::CompareOp::Ne, ir::CompareOp::Gt,
                                                    ir::CompareOp::Ge, ir::CompareOp::Lt, ir::CompareOp::Le};
            x.op = static_cast<ir::CompareOp>(static_cast<int>(e->compareOp));
            if (e->lhs->kind == ast::ExprKind::Member) {
              member = e->lhs.get();
              value = e->rhs.get();
            } else if (e->rhs->kind == ast::ExprKind::Member) {
              member = e->rhs.get();
              value = e->lhs.get();
              x.op = flipped[static_cast<int>(x.op)];
            }
          }
          if (!member || member->lhs->kind != ast::ExprKind::Name) {
            diags_.report(DiagId::SyntaxError, item.span,
                          bilingual("write an expectation as `ID.figure == value`", "预期请写成 `编号.指标 == 值`"));
            break;
          }
          if (!knownSubject(ast::Name{member->lhs->text, member->lhs->span})) break;
          int fig = figureByName(member->text);
          if (fig < 0) {
            Diagnostic& diag = diags_.report(DiagId::UnknownFigure, member->nameSpan, member->text);
            std::vector<std::string> names;
            for (const ir::Figure& f : ir_->figures) names.push_back(f.name);
            suggest(diag, member->text, names);
            break;
          }
          x.subject = member->lhs->text;
          x.figure = static_cast<uint32_t>(fig);
          ir::Type type = ir_->figures[fig].type.withOptional(false);
          if (type.base == ir::BaseType::Int && value && value->kind == ast::ExprKind::Number &&
              value->text.find('.') != std::string::npos)
            type = ir::Type::of(ir::BaseType::Decimal);
          if (!value) {
            if (type.base != ir::BaseType::Bool) {
              diags_.report(DiagId::TypeMismatch, member->span, bilingual("yes/no (是/否)", "是/否"), typeName(type));
              break;
            }
            x.expected = Value::ofBool(!negated);
            x.expectedText = negated ? "否" : "是";
          } else {
            auto v = literalValue(*value, type, &x.expectedText);
            if (!v) break;
            x.expected = *v;
            if (type.base != ir::BaseType::String) x.expectedText = std::string(sources_.text(value->span));
            if (negated) {
              static const ir::CompareOp opposite[] = {ir::CompareOp::Ne, ir::CompareOp::Eq, ir::CompareOp::Ge,
                                                       ir::CompareOp::Gt, ir::CompareOp::Le, ir::CompareOp::Lt};
              x.op = opposite[static_cast<int>(x.op)];
            }
          }
          t.expects.push_back(std::move(x));
          break;
        }
      }
    }
    ir_->tests.push_back(std::move(t));
  }
}

}  // namespace kaoping::sema
