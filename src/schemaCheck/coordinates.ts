/**
 * Which parts of a schema a document uses, as schema coordinates in the form
 * graphql-inspector gives a change's `path`: `Product` (a type),
 * `Product.rating` (a field), `Product.image.size` (an argument the document
 * passes), `ImageSize.SMALL` (an enum value), `PlaceOrderInput.lines` (an
 * input field), `@include` and `@include.if` (a directive and its argument).
 *
 * Why: a breaking change only breaks the apps whose documents touch what it
 * changed; mapping a change's path to the documents that use it names them.
 * The walk runs against the schema the documents were written for (the old
 * one), where every coordinate they use still exists.
 *
 * Values a document sends in variables are not in its text, so a variable's
 * input type counts as using all of it: every field of an input object
 * (recursively) and every value of an enum.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  typeFromAST,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';

export function coordinatesUsed(schema: GraphQLSchema, document: DocumentNode): Set<string> {
  const used = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  const useType = (type: GraphQLType | null | undefined): void => {
    if (type) used.add(getNamedType(type).name);
  };
  const expanded = new Set<string>();
  const useEverythingSendable = (type: GraphQLType | undefined): void => {
    if (!type) return;
    const named = getNamedType(type);
    if (expanded.has(named.name)) return;
    expanded.add(named.name);
    used.add(named.name);
    if (isEnumType(named)) for (const value of named.getValues()) used.add(`${named.name}.${value.name}`);
    if (isInputObjectType(named)) {
      for (const field of Object.values(named.getFields())) {
        used.add(`${named.name}.${field.name}`);
        useEverythingSendable(field.type);
      }
    }
  };

  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition: () => useType(typeInfo.getType()),
      FragmentDefinition: () => useType(typeInfo.getType()),
      InlineFragment: () => useType(typeInfo.getType()),
      VariableDefinition: (node) => useEverythingSendable(typeFromAST(schema, node.type)),
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return;
        used.add(`${parent.name}.${field.name}`);
        useType(field.type);
      },
      Directive: (node) => {
        used.add(`@${node.name.value}`);
      },
      Argument() {
        const argument = typeInfo.getArgument();
        if (!argument) return;
        const directive = typeInfo.getDirective();
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (directive) used.add(`@${directive.name}.${argument.name}`);
        else if (parent && field) used.add(`${parent.name}.${field.name}.${argument.name}`);
        useType(argument.type);
      },
      ObjectField(node) {
        const parent = typeInfo.getParentInputType();
        const named = parent && getNamedType(parent);
        if (named && isInputObjectType(named)) used.add(`${named.name}.${node.name.value}`);
        useType(typeInfo.getInputType());
      },
      EnumValue(node) {
        const type = typeInfo.getInputType();
        const named = type && getNamedType(type);
        if (named && isEnumType(named)) used.add(`${named.name}.${node.value}`);
      },
    }),
  );
  return used;
}
