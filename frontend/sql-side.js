/* Beside the SQL editor: the tables with their columns, and every query of queries/ as a
 * one-click example (both from /api/sql/library). */
import {code, h} from './dom.js';

export function renderSchema(tables, onPick) {
  return h('div', {className: 'sql-schema', id: 'sql-schema'}, [
    h('h3', {className: 'mini-title', text: 'Tables'}),
    h('ul', {className: 'sql-tables'}, tables.map((table) => h('li', {}, [
      h('details', {dataset: {table: table.name}}, [
        h('summary', {title: table.purpose}, [code(table.name)]),
        h('ul', {className: 'sql-columns'}, table.columns.map((column) => h('li', {
          title: column.description}, [
          h('button', {type: 'button', className: 'link-button', text: column.name,
            title: `Insert ${column.name}`, on: {click: () => onPick(column.name)}}),
          h('span', {className: 'muted', text: ` ${column.type.toLowerCase()}`})])))])])))]);
}

export function renderExamples(queries, onChoose) {
  return h('div', {className: 'sql-examples', id: 'sql-examples'}, [
    h('h3', {className: 'mini-title', text: 'Examples from queries/'}),
    h('ul', {}, queries.map((query) => h('li', {}, [
      h('button', {type: 'button', className: 'link-button', text: query.name,
        dataset: {query: query.name}, title: `${query.file}: ${query.question}`,
        on: {click: () => onChoose(query)}})])))]);
}
